import type { EventBody } from '../conversations/events.js';
import type { ConversationItem, ConversationRecord } from '../conversations/types.js';
import type {
  AnalyzerName,
  AnalyzerResults,
  AnalyzerStates,
  FinalizerName,
  FinalizerResults,
} from './contract.js';

/**
 * The typed stage contract. An analyzer names itself (its result type follows from the name in
 * `contract.ts`) and declares the analyzers whose results it reads; `previous` holds exactly
 * those, typed, so a read of a field the producer never writes fails to compile. The runner
 * orders analyzers from these declarations and hands each one only what it declared.
 */
export interface AnalyzerContext<R extends AnalyzerName = never> {
  tenantId: string;
  conversation: ConversationRecord;
  /** The item being analyzed (already stored, text already redacted). */
  item: ConversationItem;
  /** Every durable item so far, in sequence order, including `item`. */
  transcript: readonly ConversationItem[];
  /** Results of the declared analyzers on the same item; absent when one did not answer. */
  previous: { readonly [K in R]?: AnalyzerResults[K] };
  /**
   * What this analyzer returned as `state` last time in this conversation (undefined at first).
   * It comes back from the database as JSON, possibly written by an older version: read it
   * defensively.
   */
  state: unknown;
  /** Aborted when the analyzer's time is up. */
  signal: AbortSignal;
  /**
   * Publishes an event at once, before the analyzer finishes (streamed reply deltas). Events
   * returned in the output are published when it finishes.
   */
  emit?: (event: EventBody) => void;
}

export interface AnalyzerOutput<N extends AnalyzerName> {
  /** Stored and published as an `analysis` event, and visible to analyzers that read `N`. */
  result?: AnalyzerResults[N];
  /** Further events to publish (suggestions, alerts...). */
  events?: EventBody[];
  /** Persisted per conversation and handed back next time. */
  state?: AnalyzerStates[N];
}

/** A language as the language analyzer names it: ISO 639-1 ('en', 'zh'), else the detector's code. */
export type LanguageCode = string;

/**
 * The languages a stage handles ('any' for stages whose work does not depend on the language:
 * detection, search in the conversation's own language). Regional tags count as their base
 * language ('zh-TW' is 'zh'). The runner does not run a stage on an item, or a wrap-up step on a
 * conversation, in a language it does not list; it publishes `{ unsupported_language }` instead
 * (see `pipeline/language-gate.ts`).
 */
export type LanguageSupport = readonly LanguageCode[] | 'any';

/** Scheduling hints the runner honours; none of them changes what an analyzer computes. */
export interface StageOptions {
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
}

export interface Analyzer<
  N extends AnalyzerName = AnalyzerName,
  R extends AnalyzerName = never,
> extends StageOptions {
  readonly name: N;
  /** Required, so that no stage is silently taken to handle every language. */
  readonly languages: LanguageSupport;
  /** The analyzers whose results this one reads; they run before it on every item. */
  readonly reads: readonly R[];
  /** Which item kinds this analyzer wants; default: utterances only. */
  readonly accepts?: ReadonlyArray<ConversationItem['kind']>;
  analyze(context: AnalyzerContext<R>): Promise<AnalyzerOutput<N> | null>;
}

/** Any registered analyzer, whatever it reads: what the composition root lists. */
export type AnyAnalyzer = { [N in AnalyzerName]: Analyzer<N, AnalyzerName> }[AnalyzerName];

/** Runs once when a conversation ends (summary, disposition, QA...). */
export interface FinalizerContext<R extends FinalizerName = never, L extends AnalyzerName = never> {
  tenantId: string;
  conversation: ConversationRecord;
  transcript: readonly ConversationItem[];
  /** Results of the declared earlier finalizers; absent when one failed or had nothing to say. */
  previous: { readonly [K in R]?: FinalizerResults[K] };
  /** The declared live analyzers' results per item: `analyses[seq][analyzerName]`. */
  analyses: Readonly<Record<number, { readonly [K in L]?: AnalyzerResults[K] }>>;
  signal: AbortSignal;
}

export interface FinalizerOutput<N extends FinalizerName> {
  result?: FinalizerResults[N];
  events?: EventBody[];
}

export interface Finalizer<
  N extends FinalizerName = FinalizerName,
  R extends FinalizerName = never,
  L extends AnalyzerName = never,
> {
  readonly name: N;
  /** Required, as for analyzers; judged on the conversation's turns as a whole. */
  readonly languages: LanguageSupport;
  readonly timeoutMs?: number;
  /** Wrap-up steps whose results this one reads; they run before it. */
  readonly reads: readonly R[];
  /** Live analyzers whose per-item results this one reads. */
  readonly readsLive: readonly L[];
  finalize(context: FinalizerContext<R, L>): Promise<FinalizerOutput<N> | null>;
  /**
   * Runs once the step's result is stored: for a step whose stored result something else may
   * amend meanwhile (QA and the agent's confirmed code), to reconcile after the runner's write.
   */
  afterSaved?(stored: StoredStep): Promise<void>;
}

/** Which conversation's wrap-up step was just stored. */
export interface StoredStep {
  tenantId: string;
  conversationId: string;
}

export type AnyFinalizer = {
  [N in FinalizerName]: Finalizer<N, FinalizerName, AnalyzerName>;
}[FinalizerName];

/**
 * Typing helpers: `defineAnalyzer({ name: 'alerts', reads: ['sentiment', 'intent'], ... })`
 * infers the name and the reads, so `previous` and `result` are checked against the contract.
 */
export function defineAnalyzer<N extends AnalyzerName, R extends AnalyzerName = never>(
  analyzer: Analyzer<N, R>,
): Analyzer<N, R> {
  return analyzer;
}

export function defineFinalizer<
  N extends FinalizerName,
  R extends FinalizerName = never,
  L extends AnalyzerName = never,
>(finalizer: Finalizer<N, R, L>): Finalizer<N, R, L> {
  return finalizer;
}

/**
 * What the runner needs of a stage, whatever its name: the kernel schedules and stores without
 * knowing the contract, so its own tests can use stand-in stages. Every typed `Analyzer` is one.
 */
export interface RunnableAnalyzer extends StageOptions {
  readonly name: string;
  readonly languages: LanguageSupport;
  readonly reads: readonly string[];
  readonly accepts?: ReadonlyArray<ConversationItem['kind']>;
  analyze(context: RunnableContext): Promise<RunnableOutput | null>;
}

export interface RunnableContext extends Omit<AnalyzerContext, 'previous'> {
  previous: Readonly<Record<string, unknown>>;
}

export interface RunnableOutput {
  result?: object;
  events?: EventBody[];
  state?: unknown;
}

export interface RunnableFinalizer {
  readonly name: string;
  readonly languages: LanguageSupport;
  readonly timeoutMs?: number;
  readonly reads: readonly string[];
  readonly readsLive: readonly string[];
  finalize(context: RunnableFinalizerContext): Promise<Omit<RunnableOutput, 'state'> | null>;
  afterSaved?(stored: StoredStep): Promise<void>;
}

export interface RunnableFinalizerContext extends Omit<FinalizerContext, 'previous' | 'analyses'> {
  previous: Readonly<Record<string, unknown>>;
  analyses: Readonly<Record<number, Readonly<Record<string, unknown>>>>;
}
