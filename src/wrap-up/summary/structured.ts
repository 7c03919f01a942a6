import { extractCommitments, type Commitment } from '../followups/commitments.js';
import { contentTokens, normalizeText, splitSentences, wordTokens } from '../text/text.js';
import { actionWords, describeActionItem } from './describe-action-item.js';
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

/** Something the agent did in a system during the call, as the connector reported it. */
export interface StructuredActionItem {
  seq: number;
  action: string;
  data: Record<string, unknown>;
}

// Verbs of things an agent does for a customer, as past participle and present participle.
const doneVerbs =
  'updated|changed|reset|sent|issued|processed|refunded|cancel(?:l)?ed|credited|applied|added|removed|scheduled|booked|escalated|submitted|verified|confirmed|ordered|replaced|extended|waived|activated|reactivated|unlocked|fixed|resolved|placed|created|opened|closed|transferred|upgraded|downgraded|reversed|restored|enabled|disabled|switched|moved|paused|renewed';
const doingVerbs =
  'updating|changing|resetting|sending|issuing|processing|refunding|cancel(?:l)?ing|crediting|applying|adding|removing|scheduling|booking|escalating|submitting|verifying|confirming|ordering|replacing|extending|waiving|activating|reactivating|unlocking|fixing|resolving|placing|creating|opening|closing|transferring|upgrading|downgrading|reversing|restoring|enabling|disabling|switching|moving|pausing|renewing';
// "I've issued a refund".
const perfectAction = new RegExp(
  `\\b(?:i(?:'ve| have)?|we(?:'ve| have)?)\\s+(?:just\\s+)?(?:${doneVerbs})\\b`,
  'i',
);
// "I'm issuing a refund now": said while doing it, so as good as done. "I'm going to" is a promise.
const progressiveAction = new RegExp(
  `\\b(?:i'm|i am|we're|we are)\\s+(?:(?:just|now|also|currently|going ahead and)\\s+)*(?:${doingVerbs})\\b`,
  'i',
);
// "the free month is applied", "your plan has been changed". The subject must open the clause so
// that relative clauses ("an outage that has been fixed") and conditions ("once the refund is
// processed") — reports of other events or of the future — do not count as the agent's doing.
const passiveAction = new RegExp(
  `(?:^|[,;:]\\s*|\\b(?:and|so|now)\\s+)(?:(?:your|the|this|these|those|its|our)(?:\\s+[\\w$.'-]+){1,5}?|it|that|everything)(?:\\s+(?:is|are|has|have)|'s)\\s+(?:(?:now|already|just|successfully|all|also|fully|been)\\s+)*(?:${doneVerbs})\\b`,
  'i',
);
// "Done, the credit is on your account." Announces a completed step.
const doneOpener = /^(?:all\s+)?done\b\s*[,!:;-]/i;

const resolvedCue =
  /\b(that (?:fixed|solved|worked|helps?|did it)|it works|working now|all set|resolved|sorted|perfect|great,? thanks|that's all|problem solved)\b/i;
// The customer taking what was offered: "I'll stay", "okay, that works", "I appreciate you sorting it out".
const acceptanceCue =
  /\b(i(?:'ll| will) (?:stay|keep (?:it|the|my))|(?:that|this|it) (?:works|sounds (?:good|great|fine))|sounds (?:good|great)|that helps|i appreciate (?:it|that|you|your|the)|(?:that's|that is) (?:great|perfect|fine|good|helpful)|i'll take (?:it|that|the)|let's do (?:it|that))\b/i;
const unresolvedCue =
  /\b(still (?:not|doesn't|isn't|can't)|not (?:working|resolved|fixed)|doesn't help|didn't help|useless|unacceptable|cancel (?:my|the) (?:account|service|subscription))\b/i;
const escalationCue = /\b(escalat\w*|supervisor|manager|transfer(?:ring|red)? you|specialist)\b/i;

/** The closing stretch of a call, where acceptance and the last completed steps show the outcome. */
const tailTurns = 4;
/** How far apart (in transcript items) a sentence and an action item may be to describe one act. */
const sameActWindow = 3;

export function roleOf(speaker: string): 'customer' | 'agent' | 'other' {
  if (/^(customer|caller|client|user)$/i.test(speaker)) return 'customer';
  if (/^(agent|bot|representative|rep|advisor|assistant)$/i.test(speaker)) return 'agent';
  return 'other';
}

/** Whether an agent sentence reports a step already taken (not an offer, a promise or a question). */
export function isCompletedAction(sentence: string): boolean {
  if (/\?\s*$/.test(sentence)) return false;
  if (perfectAction.test(sentence) || progressiveAction.test(sentence)) return true;
  if (passiveAction.test(sentence)) return true;
  return doneOpener.test(sentence) && contentTokens(sentence).length >= 2;
}

/** A crude stem so "applied"/"apply", "issuing"/"issue", "months"/"month" compare equal. */
function stem(word: string): string {
  let out = word.toLowerCase().replace(/ie[sd]$/, 'y');
  if (out.length > 5) out = out.replace(/(?:ing|ed|es)$/, '');
  if (out.length > 4) out = out.replace(/s$/, '');
  return out.replace(/[ey]$/, '');
}

function sameStem(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short);
}

interface FoundAction {
  /** Position in the merged transcript (utterances and action items in seq order). */
  position: number;
  seq: number;
  text: string;
}

/**
 * What identifies an action item in speech: the words of its name ("issue", "refund"), the names
 * of its data fields ("months") and its money amount. Only sentences a few items away are
 * compared, so a shared verb alone rarely joins two different acts.
 */
function itemSignature(item: StructuredActionItem): { stems: string[]; amounts: number[] } {
  const named = actionWords(item.action);
  const keys: string[] = [];
  const amounts: number[] = [];
  for (const [key, value] of Object.entries(item.data)) {
    // Money fields are matched by their value; "amount" or "currency" as words say nothing.
    if (/^(?:amount|total|value|sum)$/i.test(key)) {
      if (typeof value === 'number' && Number.isFinite(value)) amounts.push(value);
    } else if (!/^currency/i.test(key)) keys.push(...actionWords(key));
  }
  return { stems: [...named, ...keys].map(stem).filter((s) => s.length >= 3), amounts };
}

function describesItem(sentence: string, item: StructuredActionItem): boolean {
  const { stems, amounts } = itemSignature(item);
  const numbers = (sentence.match(/\d[\d,]*(?:\.\d+)?/g) ?? []).map((n) =>
    Number(n.replace(/,/g, '')),
  );
  if (amounts.some((amount) => numbers.includes(amount))) return true;
  const sentenceStems = wordTokens(sentence).map(stem);
  return stems.some((itemStem) => sentenceStems.some((word) => sameStem(word, itemStem)));
}

/**
 * Actions taken, in call order: action items from the connector and agent sentences reporting a
 * completed step. When a sentence and a nearby action item describe the same act ("I'm issuing a
 * refund of $24.99" beside `issue-refund {amount: 24.99}`), the action item is kept: it is the
 * system of record of what was actually done (speech can be a paraphrase, a claim or a
 * mis-transcription) and its wording is uniform, so the list reads the same for every agent.
 */
function findActions(
  turns: readonly StructuredTurn[],
  actionItems: readonly StructuredActionItem[],
  actorTurns: ReadonlySet<StructuredTurn>,
): FoundAction[] {
  const timeline = [
    ...turns.map((turn) => ({ seq: turn.seq, turn, item: null })),
    ...actionItems.map((item) => ({ seq: item.seq, turn: null, item })),
  ].sort((a, b) => a.seq - b.seq);
  const items = timeline.flatMap((entry, position) =>
    entry.item ? [{ position, item: entry.item }] : [],
  );
  const found: FoundAction[] = [];
  timeline.forEach((entry, position) => {
    if (entry.item) {
      found.push({
        position,
        seq: entry.seq,
        text: describeActionItem(entry.item.action, entry.item.data),
      });
      return;
    }
    if (!entry.turn || !actorTurns.has(entry.turn)) return;
    for (const sentence of splitSentences(normalizeText(entry.turn.text))) {
      if (!isCompletedAction(sentence)) continue;
      const recorded = items.some(
        (candidate) =>
          Math.abs(candidate.position - position) <= sameActWindow &&
          describesItem(sentence, candidate.item),
      );
      if (!recorded) found.push({ position, seq: entry.seq, text: sentence });
    }
  });
  return found;
}

export function structuredSummary(
  turns: readonly StructuredTurn[],
  now: Date = new Date(),
  actionItems: readonly StructuredActionItem[] = [],
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
  const found = findActions(
    turns,
    actionItems,
    new Set(agentTurns.length > 0 ? agentTurns : turns),
  );
  const followUps = extractCommitments(turns, {
    now,
    owners: agentTurns.length > 0 ? ['agent', 'bot'] : undefined,
  });
  const closing = turns.slice(-tailTurns);
  const tail = closing.map((turn) => turn.text).join(' ');
  // In the closing turns the last word counts: "it's useless" followed by "okay, I'll stay" is a
  // kept customer, and "that fixed it… no, it's still not working" is not.
  const lastIndex = (test: (turn: StructuredTurn) => boolean): number =>
    closing.reduce((last, turn, index) => (test(turn) ? index : last), -1);
  const lastUnresolved = lastIndex((turn) => unresolvedCue.test(turn.text));
  const lastSettled = lastIndex(
    (turn) =>
      resolvedCue.test(turn.text) ||
      ((customerTurns.length === 0 || roleOf(turn.speaker) === 'customer') &&
        acceptanceCue.test(turn.text)),
  );
  const unresolvedSeq = closing[lastUnresolved]?.seq ?? Number.NEGATIVE_INFINITY;
  // A step completed in the closing turns (a credit applied after the customer agreed to stay)
  // is how many calls end when the customer does not say "that fixed it". Steps early in the
  // call, such as verifying identity, say nothing about how it ended.
  const closingStart = closing[0]?.seq ?? Number.NEGATIVE_INFINITY;
  const completedLate = found.some(
    (action) => action.seq >= closingStart && action.seq > unresolvedSeq,
  );
  const whole = turns.map((turn) => turn.text).join(' ');
  let outcome: StructuredSummary['outcome'] = 'unresolved';
  // Agreeing to be transferred is still an escalation, so acceptance does not override it.
  if (escalationCue.test(whole) && !resolvedCue.test(tail)) outcome = 'escalated';
  else if (lastSettled > lastUnresolved) outcome = followUps.length > 0 ? 'follow-up' : 'resolved';
  else if (followUps.length > 0) outcome = 'follow-up';
  else if (completedLate) outcome = 'resolved';
  return { reason, actions: found.slice(0, 6).map((action) => action.text), outcome, followUps };
}
