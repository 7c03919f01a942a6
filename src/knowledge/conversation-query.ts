import type { QuerySegment } from './search.js';

/** One turn of a conversation, as far as search cares. */
export interface QueryTurn {
  speaker: 'customer' | 'agent' | 'bot' | 'unknown';
  text: string;
}

export interface ConversationQueryOptions {
  /** Weight of customer turns relative to agent turns (customers state the problem). */
  agentWeight?: number;
  /** Per-turn decay from the newest turn backwards, so a topic shift wins quickly. */
  recencyDecay?: number;
  /** Floor of the decayed weight: the opening problem statement never vanishes. */
  minWeight?: number;
  /** Words sent to the (costly) sentence encoder. */
  embedWords?: number;
  /**
   * Plain chats (no speakers): extra weight of the opening sentences, where the reason for
   * contact is stated before verification and wrap-up talk. Sentence i gets
   * 1 + openingBoost * exp(-i / openingSentences).
   */
  openingBoost?: number;
  openingSentences?: number;
}

export interface ConversationQuery {
  segments: QuerySegment[];
  /** Short text for the vector side: sentence encoders cost grows with words. */
  vectorText: string;
}

// embedWords 30: on ABCD dev chats the first 30 words fused as well as the first 60 (hit@1 equal
// on whole and early chats) at half the encoder cost. openingBoost 2 / 8 sentences: tuned on one
// half of the dev chats, +1 point of hit@1 on the other half (whole chats) with IDF_EMPHASIS.
const defaults: Required<ConversationQueryOptions> = {
  agentWeight: 0.5,
  recencyDecay: 0.85,
  minWeight: 0.35,
  embedWords: 30,
  openingBoost: 2,
  openingSentences: 8,
};

/** Splits an unsegmented chat into sentence-like pieces (the eval format has no turns). */
export function splitSentences(text: string): string[] {
  return (
    text
      // Latin sentence ends need a following space ("3.5", "e.g.x"); CJK ones never have one.
      .split(/(?<=[.!?])\s+|(?<=[。！？])\s*|\n+/u)
      .map((piece) => piece.trim())
      .filter((piece) => piece !== '')
  );
}

function firstWords(text: string, count: number): string {
  const words = text.trim().split(/\s+/);
  return words.slice(0, count).join(' ');
}

function lastWords(text: string, count: number): string {
  const words = text.trim().split(/\s+/);
  return words.slice(Math.max(0, words.length - count)).join(' ');
}

/**
 * Builds a weighted query from a conversation so far. With speaker-labelled turns, customer
 * turns count more and recent turns more than old ones (down to a floor). Plain text (no
 * speakers) is split into sentences, the opening ones weighing more, since who said what is
 * unknown but a chat states its reason for contact early.
 */
export function conversationQuery(
  conversation: string | readonly QueryTurn[],
  options: ConversationQueryOptions = {},
): ConversationQuery {
  const settings = { ...defaults, ...options };
  if (typeof conversation === 'string') {
    // Without speakers, the opening of a chat is where the reason for contact is stated; later
    // sentences still count (a resolution often names the topic again), just less.
    const segments = splitSentences(conversation).map((text, index) => ({
      text,
      weight: 1 + settings.openingBoost * Math.exp(-index / settings.openingSentences),
    }));
    return { segments, vectorText: firstWords(conversation, settings.embedWords) };
  }
  const turns = conversation.filter((turn) => turn.text.trim() !== '');
  const segments = turns.map((turn, index) => {
    const age = turns.length - 1 - index;
    const recency = Math.max(settings.minWeight, settings.recencyDecay ** age);
    const speakerWeight =
      turn.speaker === 'agent' || turn.speaker === 'bot' ? settings.agentWeight : 1;
    return { text: turn.text, weight: recency * speakerWeight };
  });
  const customerText = turns
    .filter((turn) => turn.speaker === 'customer' || turn.speaker === 'unknown')
    .map((turn) => turn.text)
    .join(' ');
  return {
    segments,
    vectorText: lastWords(customerText || turns.map((t) => t.text).join(' '), settings.embedWords),
  };
}
