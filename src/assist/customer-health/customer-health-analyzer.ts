import { combineChurnRisk, conversationSignals } from '../../wrap-up/churn/conversation-risk.js';
import { updateCsat, type CsatState } from '../../wrap-up/qa/csat.js';
import { defineAnalyzer } from '../../pipeline/analyzer.js';

export interface CustomerHealthState {
  csat: CsatState | undefined;
  churnRisk: number | null;
  /** The live sentiment score of each customer turn so far, by seq (for the churn signals). */
  scores: Record<string, number>;
}

/** Live estimates for the supervisor's board, after each customer turn. */
export interface CustomerHealthResult {
  /** Estimated CSAT, 1–5. */
  csat: number;
  churnRisk: number;
  /** Change since the customer's previous turn. */
  churnRiskChange: number;
  churnReasons: string[];
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/**
 * The stored state comes back as JSON, maybe from an older version: a field that is not what this
 * version writes starts afresh. Taken as is, `{}` made churnRiskChange NaN (sent as null) and a
 * malformed csat made every later estimate NaN.
 */
function readState(state: unknown): CustomerHealthState {
  const raw = (typeof state === 'object' && state !== null ? state : {}) as Record<string, unknown>;
  const csat = (raw.csat ?? {}) as Partial<Record<keyof CsatState, unknown>>;
  return {
    csat:
      isFiniteNumber(csat.sentiment) && isFiniteNumber(csat.turns) && isFiniteNumber(csat.estimate)
        ? { sentiment: csat.sentiment, turns: csat.turns, estimate: csat.estimate }
        : undefined,
    churnRisk: isFiniteNumber(raw.churnRisk) ? raw.churnRisk : null,
    scores:
      typeof raw.scores === 'object' && raw.scores !== null
        ? Object.fromEntries(
            Object.entries(raw.scores as Record<string, unknown>).filter(
              (entry): entry is [string, number] => isFiniteNumber(entry[1]),
            ),
          )
        : {},
  };
}

/**
 * Live estimates a supervisor watches: CSAT (1–5) and churn risk with its reasons, updated on
 * every customer turn. The customer's mood is the live sentiment analyzer's (the one the agent
 * sees, which reads Chinese as well as English); turns it did not score fall back to the English
 * lexicon. The final churn risk comes from the wrap-up at the end.
 */
export function createCustomerHealthAnalyzer() {
  return defineAnalyzer({
    name: 'customer-health',
    // Live sentiment reads both; churn cues and CSAT phrases come in English and Chinese.
    languages: ['en', 'zh'],
    reads: ['sentiment'],
    async analyze({ item, transcript, state, previous: results }) {
      if (item.kind !== 'utterance' || item.speaker !== 'customer') return null;
      const previous = readState(state);
      const live = results.sentiment?.score;
      const scores =
        live === undefined ? previous.scores : { ...previous.scores, [item.seq]: live };
      const csat = updateCsat(previous.csat, item, live);
      const { risk, reasons } = combineChurnRisk(
        null,
        conversationSignals(transcript, { sentimentOf: (seq) => scores[seq] }),
      );
      const churnRisk = Math.round(risk * 1000) / 1000;
      return {
        result: {
          csat: csat.estimate,
          churnRisk,
          churnRiskChange:
            previous.churnRisk === null
              ? 0
              : Math.round((churnRisk - previous.churnRisk) * 1000) / 1000,
          churnReasons: reasons.map((reason) => reason.detail),
        },
        state: { csat, churnRisk, scores } satisfies CustomerHealthState,
      };
    },
  });
}
