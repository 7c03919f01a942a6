import { combineChurnRisk, conversationSignals } from '../../wrap-up/churn/conversation-risk.js';
import { updateCsat, type CsatState } from '../../wrap-up/qa/csat.js';
import { defineAnalyzer } from '../../pipeline/analyzer.js';

export interface CustomerHealthState {
  csat: CsatState | undefined;
  churnRisk: number | null;
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

/**
 * Live estimates a supervisor watches: CSAT (1–5) and churn risk with its reasons, updated on
 * every customer turn. The final churn risk comes from the wrap-up at the end.
 */
export function createCustomerHealthAnalyzer() {
  return defineAnalyzer({
    name: 'customer-health',
    reads: [],
    async analyze({ item, transcript, state }) {
      if (item.kind !== 'utterance' || item.speaker !== 'customer') return null;
      const previous = (state as CustomerHealthState | undefined) ?? {
        csat: undefined,
        churnRisk: null,
      };
      const csat = updateCsat(previous.csat, item);
      const { risk, reasons } = combineChurnRisk(null, conversationSignals(transcript));
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
        state: { csat, churnRisk } satisfies CustomerHealthState,
      };
    },
  });
}
