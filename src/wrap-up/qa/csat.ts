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

const thanksPattern =
  /\b(thank(?:s| you)|great|perfect|awesome|that (?:helps|worked|fixed))\b|谢谢|感谢|多谢|太好了|太棒了|(?:问题|事情)?(?:解决了|搞定了|处理好了)|没问题了/i;
// "Thanks, but it's still not fixed" / "谢谢，但问题还是没解决": politeness, not satisfaction.
const notSolvedPattern =
  /\b(?:not|isn't|hasn't|wasn't|didn't|doesn't|still not)\s+(?:been\s+)?(?:fixed|solved|resolved|work(?:ing|ed)?)\b|没(?:有)?(?:解决|修好|处理好|好)|还是不行|还是(?:没|不)|不满意/i;

/**
 * Real-time CSAT proxy: customer sentiment weighted toward recent turns (how a call ends
 * dominates how it is rated), plus a lift for explicit thanks or a fix. Maps to 1..5.
 * `liveScore` is the live sentiment analyzer's score of the turn (what the agent saw, in any
 * language it reads); without it the English lexicon scores the text.
 */
export function updateCsat(
  state: CsatState | undefined,
  item: ConversationItem,
  liveScore?: number,
): CsatState {
  const current = state ?? { sentiment: 0, turns: 0, estimate: 3 };
  if (item.kind !== 'utterance' || item.speaker !== 'customer') return current;
  const thanked = thanksPattern.test(item.text) && !notSolvedPattern.test(item.text);
  const value = Math.max(
    -1,
    Math.min(1, (liveScore ?? sentimentScore(item.text)) + (thanked ? 0.3 : 0)),
  );
  const alpha = current.turns === 0 ? 1 : 0.4;
  const sentiment = alpha * value + (1 - alpha) * current.sentiment;
  return {
    sentiment,
    turns: current.turns + 1,
    estimate: Math.round((3 + 2 * sentiment) * 10) / 10,
  };
}
