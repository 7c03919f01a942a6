import type { ConversationItem } from '../../conversations/types.js';
import { sentimentScore } from '../text/sentiment.js';
import type { RiskReason } from './tabular-model.js';
import { chineseLeavingPhrases } from '../../assist/alerts/alert-config.js';
import { findPhrase } from '../../assist/phrases.js';

/** What a conversation says about churn, independent of the customer's attributes. */
export interface ConversationSignals {
  cancelIntent: boolean;
  competitorMention: boolean;
  /** Customer sentiment at the start and the end (mean of the first / last three turns). */
  sentimentStart: number;
  sentimentEnd: number;
  repeatContact: boolean;
  unresolved: boolean;
  /** seq numbers of the turns behind each signal, for the reasons shown to the agent. */
  evidence: Partial<Record<'cancelIntent' | 'competitorMention', number[]>>;
}

const cancelPattern =
  /\b(cancel\w*|terminate|close (?:my|the) account|end (?:my|the) (?:contract|service|subscription)|port (?:my|the) number|switch(?:ing)? (?:to|providers?|carriers?)|leav(?:e|ing) (?:you|your company)|unsubscribe)\b/i;
const competitorPattern =
  /\b(competitor|another (?:provider|company|carrier|bank)|other (?:provider|company|carrier)|better (?:deal|offer|price) (?:from|at|with|elsewhere)|elsewhere|cheaper (?:at|with|from))\b/i;
// Chinese: "别家", "其他运营商", "人家那边更便宜", "竞争对手".
const chineseCompetitorPattern =
  /别家|别的(?:运营商|公司|平台|银行)|其他(?:运营商|公司|平台|银行|家)|(?:那边|人家|他们家|别人家)(?:更|比你们)?便宜|竞争对手/;

/** Leaving cues in the customer's words, English and Chinese (the same ones the live alerts use). */
function saysLeaving(text: string): boolean {
  return cancelPattern.test(text) || findPhrase(text, chineseLeavingPhrases) !== undefined;
}

export function conversationSignals(
  transcript: readonly ConversationItem[],
  context: {
    repeatContact?: boolean;
    outcome?: string | undefined;
    /**
     * The live sentiment analyzer's score of a turn, when it has one: at wrap-up the risk then
     * reads the customer's mood as the agent saw it on screen (that model knows that "Sure,
     * it's [EMAIL]" is not praise). Turns without one fall back to the plain lexicon.
     */
    sentimentOf?: (seq: number) => number | undefined;
  } = {},
): ConversationSignals {
  const customer = transcript.filter(
    (item) => item.kind === 'utterance' && item.speaker === 'customer',
  );
  const evidence: ConversationSignals['evidence'] = {};
  for (const item of customer) {
    if (item.kind !== 'utterance') continue;
    if (saysLeaving(item.text)) (evidence.cancelIntent ??= []).push(item.seq);
    if (competitorPattern.test(item.text) || chineseCompetitorPattern.test(item.text))
      (evidence.competitorMention ??= []).push(item.seq);
  }
  const scores = customer.map((item) =>
    item.kind === 'utterance' ? (context.sentimentOf?.(item.seq) ?? sentimentScore(item.text)) : 0,
  );
  const mean = (values: number[]): number =>
    values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
  return {
    cancelIntent: evidence.cancelIntent !== undefined,
    competitorMention: evidence.competitorMention !== undefined,
    sentimentStart: mean(scores.slice(0, 3)),
    sentimentEnd: mean(scores.slice(-3)),
    repeatContact: context.repeatContact ?? false,
    unresolved: context.outcome === 'unresolved' || context.outcome === 'escalated',
    evidence,
  };
}

/**
 * Default log-odds weights of conversation signals. They are priors, not fitted: few tenants have
 * conversations linked to churn outcomes. A tenant that has them can replace these.
 */
export const defaultSignalWeights = {
  cancelIntent: 1.6,
  competitorMention: 0.8,
  repeatContact: 0.5,
  unresolved: 0.6,
  /** Per unit of sentiment lost between start and end, and per unit of negative ending. */
  sentimentDrop: 0.8,
  negativeEnd: 0.7,
} as const;

/**
 * Below this many log-odds a signal still counts in the risk but is not listed as a reason: a
 * customer whose sentiment ended at -0.02 did not "end the conversation upset".
 */
const MIN_REASON_CONTRIBUTION = 0.05;

export interface ChurnRisk {
  risk: number;
  reasons: RiskReason[];
}

/**
 * Combines the attribute model's risk (or a base rate when the customer is unknown) with the
 * conversation's signals, on the log-odds scale so that each reason's contribution adds up.
 */
export function combineChurnRisk(
  base: { risk: number; reasons: RiskReason[] } | null,
  signals: ConversationSignals,
  weights: Record<keyof typeof defaultSignalWeights, number> = defaultSignalWeights,
  baseRate = 0.2,
): ChurnRisk {
  const p = Math.min(Math.max(base?.risk ?? baseRate, 1e-4), 1 - 1e-4);
  let logit = Math.log(p / (1 - p));
  const reasons: RiskReason[] = [...(base?.reasons ?? [])];
  const add = (attribute: string, detail: string, contribution: number): void => {
    if (contribution <= 0) return;
    logit += contribution;
    if (contribution >= MIN_REASON_CONTRIBUTION) reasons.push({ attribute, detail, contribution });
  };
  if (signals.cancelIntent)
    add(
      'conversation.cancelIntent',
      `customer asked to cancel (turns ${signals.evidence.cancelIntent?.join(', ')})`,
      weights.cancelIntent,
    );
  if (signals.competitorMention)
    add(
      'conversation.competitor',
      `customer mentioned another provider (turns ${signals.evidence.competitorMention?.join(', ')})`,
      weights.competitorMention,
    );
  if (signals.repeatContact)
    add(
      'conversation.repeatContact',
      'customer contacted us again about the same issue',
      weights.repeatContact,
    );
  if (signals.unresolved)
    add('conversation.unresolved', 'the issue was not resolved', weights.unresolved);
  add(
    'conversation.sentimentDrop',
    'customer sentiment fell during the conversation',
    weights.sentimentDrop * (signals.sentimentStart - signals.sentimentEnd),
  );
  add(
    'conversation.negativeEnd',
    'customer ended the conversation upset',
    weights.negativeEnd * -Math.min(0, signals.sentimentEnd),
  );
  return {
    risk: 1 / (1 + Math.exp(-logit)),
    reasons: reasons
      .filter((r) => r.contribution > 0)
      .sort((a, b) => b.contribution - a.contribution)
      .slice(0, 5),
  };
}
