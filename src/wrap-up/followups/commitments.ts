import { normalizeText, splitSentences } from '../text/text.js';
import { extractEntities, type TextEntity } from '../text/entities.js';
import { spelledNumber, spelledNumberValue } from '../text/number-words.js';
import { majorityLanguage } from '../../text/chinese-script.js';
import { extractChineseCommitments } from './chinese-commitments.js';
import { addBusinessDays, startOfDay, type Due } from './due-date.js';

export type { Due } from './due-date.js';

/** A promise made during the conversation that someone has to keep after it ends. */
export interface Commitment {
  /** Sequence number of the turn that made it. */
  seq: number;
  /** Who committed: a speaker role such as "agent". */
  owner: string;
  /** The sentence as said. */
  sentence: string;
  kind: 'callback' | 'send' | 'refund' | 'delivery' | 'escalation' | 'other';
  /** ISO time when it is due, when the sentence says when. */
  dueAt: string | null;
  amounts: string[];
  /** A ready-to-edit message to the customer confirming the commitment. */
  draftMessage: string;
}

export interface CommitmentTurn {
  seq: number;
  speaker: string;
  text: string;
}

// A statement about the future by the speaker or their company, not a question or a wish.
const promise =
  /\b(i'll|i will|we'll|we will|i am going to|i'm going to|we are going to|we're going to|will be|should (?:arrive|be|receive|get|see)|will (?:arrive|receive|get|reach|take|show|post|appear|ship|call|send)|you(?:'ll| will) (?:receive|get|see|hear)|expect|(?:arrives?|posts?|ships?|appears?) (?:in|within|by)|takes? (?:up to )?\d+)\b/i;
// "I'll email you today, and I'll call you back Thursday" holds two commitments.
const clauseBreak = /,?\s+and\s+(?=(?:i|we)(?:'ll| will| am going to|'m going to)\b)/i;
// "If the outage lasts more than 24 hours, we'll credit you": promised only if that happens.
// Leading conditions only: "I'll call you back if that's all right" is still a call-back.
const conditionFirst =
  /^(?:(?:and|but|also|otherwise|then)\s+)?(?:if|in case|should (?:it|the|your|that|this|anything)|unless)\b[^,]*,/i;
const refundWords = /\b(refund|credit|reimburse|money back)\w*/i;
const kinds: [Commitment['kind'], RegExp][] = [
  ['callback', /\b(call (?:you )?back|callback|call you|follow up|get back to you|reach out)\b/i],
  ['refund', refundWords],
  ['delivery', /\b(arrive|deliver|ship|shipping|package|replacement)\w*/i],
  ['send', /\b(send|e-?mail|text you|mail you|forward)\w*/i],
  ['escalation', /\b(escalat|supervisor|manager|specialist|technician|engineer)\w*/i],
];

const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const unitMs: Record<string, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};
// Vague counts a promise may use: "in a few days", "a couple of hours".
const vagueCounts: Record<string, number> = { a: 1, an: 1, few: 3, couple: 2 };

const durationPattern = new RegExp(
  String.raw`\b(\d+|${spelledNumber}|${Object.keys(vagueCounts).join('|')})(?:\s+of)?\s+(business\s+|working\s+)?(minute|hour|day|week|month)s?\b`,
);

/** Resolves "tomorrow", "Thursday", "5 business days", "24 hours" against `now` (UTC). */
export function resolveDue(
  entities: readonly TextEntity[],
  sentence: string,
  now: Date,
): Due | null {
  const lower = sentence.toLowerCase();
  // In "5 to 7 business days" the last number matches: a promise is kept by its latest bound.
  const duration = durationPattern.exec(lower);
  const day = startOfDay(now);
  if (duration) {
    const count = /^\d+$/.test(duration[1]!)
      ? Number(duration[1])
      : (vagueCounts[duration[1]!] ?? spelledNumberValue(duration[1]!) ?? 1);
    const unit = duration[3]!;
    if (unit === 'minute' || unit === 'hour')
      return { at: new Date(now.getTime() + count * unitMs[unit]!), precision: 'time' };
    // Business days skip weekends: "7 business days" from a Sunday is the Tuesday after next.
    const target = duration[2]
      ? addBusinessDays(day, count)
      : new Date(day.getTime() + count * unitMs[unit]!);
    return { at: withTime(target, '', 17), precision: 'day' };
  }
  if (/\btomorrow\b/.test(lower))
    return timed(withTime(new Date(day.getTime() + 86_400_000), lower), lower);
  if (/\btoday\b|\btonight\b|\bend of (?:the )?day\b/.test(lower))
    return timed(withTime(day, lower, 17), lower);
  if (/\bnext week\b/.test(lower))
    return { at: withTime(new Date(day.getTime() + 7 * 86_400_000), '', 9), precision: 'day' };
  for (const [index, name] of weekdays.entries()) {
    if (lower.includes(name)) {
      const ahead = (index - now.getUTCDay() + 7) % 7 || 7;
      return timed(withTime(new Date(day.getTime() + ahead * 86_400_000), lower), lower);
    }
  }
  const date = entities.find((entity) => entity.type === 'DATE');
  if (date) {
    const parsed = Date.parse(`${date.value} ${now.getUTCFullYear()} UTC`);
    if (!Number.isNaN(parsed)) return timed(withTime(new Date(parsed), lower), lower);
  }
  return null;
}

const clockTime = /\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b/;

function timed(at: Date, sentence: string): Due {
  return { at, precision: clockTime.test(sentence) ? 'time' : 'day' };
}

function withTime(day: Date, sentence: string, defaultHour = 9): Date {
  const time = clockTime.exec(sentence);
  let hour = defaultHour;
  let minute = 0;
  if (time) {
    hour = (Number(time[1]) % 12) + (time[3] === 'pm' ? 12 : 0);
    minute = Number(time[2] ?? 0);
  }
  return new Date(day.getTime() + hour * 3_600_000 + minute * 60_000);
}

/** "Tue, 15 Dec 2026", or "Thu, 10 Dec 2026, 14:00 UTC" when a time was said. */
function formatDue(due: Due): string {
  const [date, time] = due.at.toUTCString().split(/ (?=\d\d:)/);
  return due.precision === 'day' ? date! : `${date}, ${time!.slice(0, 5)} UTC`;
}

function draft(kind: Commitment['kind'], due: Due | null, amounts: readonly string[]): string {
  const when = due ? ` by ${formatDue(due)}` : '';
  const amount = amounts.length > 0 ? ` of ${amounts.join(', ')}` : '';
  switch (kind) {
    case 'callback':
      return `As promised, we will call you back${when}.`;
    case 'refund':
      return `Your refund${amount} has been requested; you should see it${when}.`;
    case 'delivery':
      return `Your delivery is on its way; expect it${when}.`;
    case 'send':
      return `We will send you the information we discussed${when}.`;
    case 'escalation':
      return `Your case has been passed to a specialist, who will contact you${when}.`;
    case 'other':
      return `Following up on our conversation: we will complete what we agreed${when}.`;
  }
}

/** Finds commitments in the turns of one conversation. `owners` limits whose promises count. */
export function extractCommitments(
  turns: readonly CommitmentTurn[],
  options: { now?: Date; owners?: readonly string[] } = {},
): Commitment[] {
  const now = options.now ?? new Date();
  const found: Commitment[] = [];
  for (const turn of turns) {
    if (options.owners && !options.owners.includes(turn.speaker)) continue;
    // A turn in Chinese has its own cues, dates and numerals; English rules would find nothing.
    // An English turn naming a Chinese name or place stays English.
    if (majorityLanguage([turn.text]) === 'zh') {
      found.push(...extractChineseCommitments(turn, turns, now));
      continue;
    }
    for (const sentence of splitSentences(normalizeText(turn.text)).flatMap((whole) =>
      whole.split(clauseBreak),
    )) {
      if (/\?\s*$/.test(sentence) || !promise.test(sentence) || conditionFirst.test(sentence))
        continue;
      const entities = extractEntities(sentence);
      const kind = kinds.find(([, pattern]) => pattern.test(sentence))?.[0] ?? 'other';
      const timed = entities.some((entity) => ['DATE', 'TIME', 'DURATION'].includes(entity.type));
      // An untimed "other" promise ("I will check") is too vague to become a task.
      if (kind === 'other' && !timed) continue;
      let amounts = entities
        .filter((entity) => entity.type === 'MONEY')
        .map((entity) => entity.value);
      // "I'm refunding $49.99 … Refunds arrive in 5 to 7 business days": the amount is often
      // said in the same turn or a turn or two before the timing.
      if (amounts.length === 0 && kind === 'refund') amounts = refundAmountBefore(turns, turn.seq);
      const due = resolveDue(entities, sentence, now);
      found.push({
        seq: turn.seq,
        owner: turn.speaker,
        sentence,
        kind,
        dueAt: due ? due.at.toISOString() : null,
        amounts,
        draftMessage: draft(kind, due, amounts),
      });
    }
  }
  return found;
}

/**
 * The amounts of the latest refund or credit mentioned up to and including turn `seq` (the
 * whole turn first, then up to three earlier turns), for a refund promise that names none.
 */
function refundAmountBefore(turns: readonly CommitmentTurn[], seq: number): string[] {
  const earlier = turns.filter((turn) => turn.seq <= seq).slice(-4);
  for (const turn of earlier.reverse()) {
    const money = extractEntities(turn.text)
      .filter((entity) => entity.type === 'MONEY')
      .map((entity) => entity.value);
    if (money.length > 0 && (turn.seq === seq || refundWords.test(turn.text))) return money;
  }
  return [];
}
