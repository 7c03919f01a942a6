import { chineseContentWords } from '../../text/chinese-words.js';
import { majorityLanguage, toSimplified } from '../../text/chinese-script.js';
import { roleOf } from '../summary/structured.js';

export interface TopicTurn {
  speaker: string;
  text: string;
}

/** How many words name a topic, and how many two calls must share to be about the same one. */
export const topicWordLimit = 3;
export const sharedTopicWords = 2;

// The customer's first turns with content say why they called, as a call's opening does.
const openingTurns = 2;

/**
 * The words a Chinese call is about ("话费、重复、扣费"): content words of the customer's turns
 * (no particles, pronouns, courtesy, dates, counts or identity-check words), worth three in the
 * customer's first two turns with content and two later, plus one each time the agent repeats
 * one, so the reason for the call and what both sides talk about outrank a word said in passing.
 * In order of first mention, so the label reads in the order the call told it. Empty for calls
 * that are not mostly Chinese: their topic is the intent or code, read as it is.
 */
export function chineseTopicWords(turns: readonly TopicTurn[]): string[] {
  const customer = turns.filter((turn) => roleOf(turn.speaker) === 'customer');
  if (majorityLanguage(customer.map((turn) => turn.text)) !== 'zh') return [];
  const scores = new Map<string, { score: number; first: number }>();
  let position = 0;
  let turnsWithContent = 0;
  for (const turn of customer) {
    const words = chineseContentWords(toSimplified(turn.text));
    if (words.length === 0) continue;
    const weight = turnsWithContent++ < openingTurns ? 3 : 2;
    for (const word of words) {
      const entry = scores.get(word) ?? { score: 0, first: position++ };
      entry.score += weight;
      scores.set(word, entry);
    }
  }
  for (const turn of turns.filter((t) => roleOf(t.speaker) !== 'customer'))
    for (const word of chineseContentWords(toSimplified(turn.text))) {
      const entry = scores.get(word);
      if (entry) entry.score += 1;
    }
  return [...scores.entries()]
    .sort(([, a], [, b]) => b.score - a.score || a.first - b.first)
    .slice(0, topicWordLimit)
    .sort(([, a], [, b]) => a.first - b.first)
    .map(([word]) => word);
}
