import { extractCommitments, type Commitment } from '../followups/commitments.js';
import { contentTokens, normalizeText, splitSentences } from '../text/text.js';
import { cleanUtterance } from './narrative.js';

/** The fields an agent fills in at wrap-up, drafted from the conversation. */
export interface StructuredSummary {
  reason: string | null;
  actions: string[];
  outcome: 'resolved' | 'unresolved' | 'escalated' | 'follow-up';
  followUps: Commitment[];
}

export interface StructuredTurn {
  seq: number;
  /** "customer" | "agent" | "bot" in the product; other names are treated as unknown roles. */
  speaker: string;
  text: string;
}

const actionVerb =
  /\b(i(?:'ve| have)?|we(?:'ve| have)?)\s+(?:just\s+)?(updated|changed|reset|sent|issued|processed|refunded|cancel(?:l)?ed|credited|applied|added|removed|scheduled|booked|escalated|submitted|verified|confirmed|ordered|replaced|extended|waived|activated|unlocked|fixed|resolved|placed|created|opened|closed|transferred)\b/i;
const resolvedCue =
  /\b(that (?:fixed|solved|worked|helps?|did it)|it works|working now|all set|resolved|sorted|perfect|great,? thanks|that's all|problem solved)\b/i;
const unresolvedCue =
  /\b(still (?:not|doesn't|isn't|can't)|not (?:working|resolved|fixed)|doesn't help|didn't help|useless|unacceptable|cancel (?:my|the) (?:account|service|subscription))\b/i;
const escalationCue = /\b(escalat\w*|supervisor|manager|transfer(?:ring|red)? you|specialist)\b/i;

function roleOf(speaker: string): 'customer' | 'agent' | 'other' {
  if (/^(customer|caller|client|user)$/i.test(speaker)) return 'customer';
  if (/^(agent|bot|representative|rep|advisor|assistant)$/i.test(speaker)) return 'agent';
  return 'other';
}

export function structuredSummary(
  turns: readonly StructuredTurn[],
  now: Date = new Date(),
): StructuredSummary {
  const customerTurns = turns.filter((turn) => roleOf(turn.speaker) === 'customer');
  const agentTurns = turns.filter((turn) => roleOf(turn.speaker) === 'agent');
  // Without roles, the first speaker is usually the one who reached out.
  const askers =
    customerTurns.length > 0
      ? customerTurns
      : turns.filter((turn) => turn.speaker === turns[0]?.speaker);
  let reason: string | null = null;
  for (const turn of askers) {
    const sentence = splitSentences(cleanUtterance(turn.text)).find(
      (candidate) => contentTokens(candidate).length >= 3,
    );
    if (sentence) {
      reason = sentence;
      break;
    }
  }
  const actions: string[] = [];
  for (const turn of agentTurns.length > 0 ? agentTurns : turns) {
    for (const sentence of splitSentences(normalizeText(turn.text))) {
      if (actionVerb.test(sentence) && !/\?\s*$/.test(sentence)) actions.push(sentence);
    }
  }
  const followUps = extractCommitments(turns, {
    now,
    owners: agentTurns.length > 0 ? ['agent', 'bot'] : undefined,
  });
  const tail = turns
    .slice(-4)
    .map((turn) => turn.text)
    .join(' ');
  const whole = turns.map((turn) => turn.text).join(' ');
  let outcome: StructuredSummary['outcome'] = 'unresolved';
  if (escalationCue.test(whole) && !resolvedCue.test(tail)) outcome = 'escalated';
  else if (resolvedCue.test(tail) && !unresolvedCue.test(tail))
    outcome = followUps.length > 0 ? 'follow-up' : 'resolved';
  else if (followUps.length > 0) outcome = 'follow-up';
  else if (actions.length > 0 && !unresolvedCue.test(tail)) outcome = 'resolved';
  return { reason, actions: actions.slice(0, 6), outcome, followUps };
}
