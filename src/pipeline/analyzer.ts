import type { EventBody } from '../conversations/events.js';
import type { ConversationItem, ConversationRecord } from '../conversations/types.js';

/**
 * One capability on the live pipeline. Analyzers run in a fixed order on every durable item
 * (final utterance or agent action) of a conversation, one item at a time per conversation.
 * A thrown error or a timeout becomes an `error` event and the next analyzer runs.
 */
export interface AnalyzerContext {
  tenantId: string;
  conversation: ConversationRecord;
  /** The item being analyzed (already stored, text already redacted). */
  item: ConversationItem;
  /** Every durable item so far, in sequence order, including `item`. */
  transcript: readonly ConversationItem[];
  /** Results of the analyzers that ran before this one on the same item, by analyzer name. */
  previous: Readonly<Record<string, Record<string, unknown>>>;
  /** What this analyzer returned as `state` last time in this conversation (undefined at first). */
  state: unknown;
  /** Aborted when the analyzer's time is up. */
  signal: AbortSignal;
  /**
   * Publishes an event at once, before the analyzer finishes (streamed reply deltas). Events
   * returned in the output are published when it finishes.
   */
  emit?: (event: EventBody) => void;
}

export interface AnalyzerOutput {
  /** Stored and published as an `analysis` event, and visible to later analyzers. */
  result?: Record<string, unknown>;
  /** Further events to publish (suggestions, alerts...). */
  events?: EventBody[];
  /** Persisted per conversation and handed back next time. */
  state?: unknown;
}

export interface Analyzer {
  readonly name: string;
  /** Overrides the pipeline's default timeout. */
  readonly timeoutMs?: number;
  /**
   * 'heavy' (database searches, model inference, LLM calls): events found so far are sent before
   * it runs and its own right after. Light analyzers' events are batched into one write.
   */
  readonly cost?: 'light' | 'heavy';
  /**
   * Load shedding: run at most `maxConcurrent` (default 2) of this analyzer at once across all
   * conversations, and skip it for an item that could not start within this many ms of arriving.
   */
  readonly skipWhenBehindMs?: number;
  readonly maxConcurrent?: number;
  /** At most this share of wall time spent in this analyzer (work that runs on the event loop). */
  readonly maxBusyShare?: number;
  /** Which item kinds this analyzer wants; default: utterances only. */
  readonly accepts?: ReadonlyArray<ConversationItem['kind']>;
  analyze(context: AnalyzerContext): Promise<AnalyzerOutput | null>;
}

/** Runs once when a conversation ends (summary, disposition, QA...), in order. */
export interface FinalizerContext {
  tenantId: string;
  conversation: ConversationRecord;
  transcript: readonly ConversationItem[];
  /** Results of earlier finalizers, by name. */
  previous: Readonly<Record<string, Record<string, unknown>>>;
  /** Live analyzer results per item: `analyses[seq][analyzerName]`. */
  analyses: Readonly<Record<number, Record<string, Record<string, unknown>>>>;
  signal: AbortSignal;
}

export interface Finalizer {
  readonly name: string;
  readonly timeoutMs?: number;
  finalize(context: FinalizerContext): Promise<AnalyzerOutput | null>;
}
