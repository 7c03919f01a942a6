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
  /** Words of recent customer speech sent to the (costly) sentence encoder. */
  embedWords?: number;
}

export interface ConversationQuery {
  segments: QuerySegment[];
  /** Short text for the vector side: sentence encoders cost grows with words. */
  vectorText: string;
}

const defaults: Required<ConversationQueryOptions> = { agentWeight: 0.5, recencyDecay: 0.85, minWeight: 0.35, embedWords: 60 };

/** Splits an unsegmented chat into sentence-like pieces (the eval format has no turns). */
export function splitSentences(text: string): string[] {
  return text
    // Latin sentence ends need a following space ("3.5", "e.g.x"); CJK ones never have one.
    .split(/(?<=[.!?])\s+|(?<=[。！？])\s*|\n+/u)
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '');
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
 * speakers) is split into sentences that all count the same, since who said what is unknown.
 */
export function conversationQuery(conversation: string | readonly QueryTurn[], options: ConversationQueryOptions = {}): ConversationQuery {
  const settings = { ...defaults, ...options };
  if (typeof conversation === 'string') {
    const segments = splitSentences(conversation).map((text) => ({ text, weight: 1 }));
    // Without speakers, the opening of a chat is where the reason for contact is stated.
    return { segments, vectorText: firstWords(conversation, settings.embedWords) };
  }
  const turns = conversation.filter((turn) => turn.text.trim() !== '');
  const segments = turns.map((turn, index) => {
    const age = turns.length - 1 - index;
    const recency = Math.max(settings.minWeight, settings.recencyDecay ** age);
    const speakerWeight = turn.speaker === 'agent' || turn.speaker === 'bot' ? settings.agentWeight : 1;
    return { text: turn.text, weight: recency * speakerWeight };
  });
  const customerText = turns
    .filter((turn) => turn.speaker === 'customer' || turn.speaker === 'unknown')
    .map((turn) => turn.text)
    .join(' ');
  return { segments, vectorText: lastWords(customerText || turns.map((t) => t.text).join(' '), settings.embedWords) };
}
