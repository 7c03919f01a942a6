import type { ConversationItem } from '../../conversations/types.js';
import { sentimentScore } from '../text/sentiment.js';

/** Running CSAT estimate, updated per customer turn. */
export interface CsatState {
  /** Exponentially weighted customer sentiment. */
  sentiment: number;
  turns: number;
  /** 1..5. */
  estimate: number;
}

const thanksPattern = /\b(thank(?:s| you)|great|perfect|awesome|that (?:helps|worked|fixed))\b/i;

/**
 * Real-time CSAT proxy: customer sentiment weighted toward recent turns (how a call ends
 * dominates how it is rated), plus a lift for explicit thanks or a fix. Maps to 1..5.
 */
export function updateCsat(state: CsatState | undefined, item: ConversationItem): CsatState {
  const current = state ?? { sentiment: 0, turns: 0, estimate: 3 };
  if (item.kind !== 'utterance' || item.speaker !== 'customer') return current;
  const value = Math.max(
    -1,
    Math.min(1, sentimentScore(item.text) + (thanksPattern.test(item.text) ? 0.3 : 0)),
  );
  const alpha = current.turns === 0 ? 1 : 0.4;
  const sentiment = alpha * value + (1 - alpha) * current.sentiment;
  return {
    sentiment,
    turns: current.turns + 1,
    estimate: Math.round((3 + 2 * sentiment) * 10) / 10,
  };
}
