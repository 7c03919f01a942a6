import type { EventLog, EventScope } from '../conversations/event-log.js';
import type { EventBody } from '../conversations/events.js';
import type { ConversationStore } from '../conversations/conversation-store.js';
import type { ConversationItem, ConversationRecord } from '../conversations/types.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { errorSummary } from '../errors/error-summary.js';
import type { RunnableAnalyzer, RunnableFinalizer, RunnableOutput } from './analyzer.js';
import { declaredResults, orderStages } from './stage-order.js';
import { createAdmission } from './admission.js';
import type { AnalyzerStateStore } from './analyzer-state-store.js';

/** The longest a shedding analyzer waits for a slot before its turn goes without it. */
const MAX_ADMISSION_WAIT_MS = 300;

/** Where the runner keeps each finalizer's result, by step name (latest wins). */
export interface WrapupSink {
  save(
    scope: { tenantId: string; conversationId: string },
    step: string,
    result: object,
  ): Promise<void>;
}

export interface PipelineLogger {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export interface PipelineOptions {
  conversations: ConversationStore;
  /** Where events go, and where finalizers' view of the live analyses is read back from. */
  eventLog: EventLog;
  analyzerStates: AnalyzerStateStore;
  /** Keeps each wrap-up step's result (the wrap-up store implements it). */
  wrapups: WrapupSink;
  /** In the preferred order; the runner moves a stage after every stage it reads. */
  analyzers: readonly RunnableAnalyzer[];
  finalizers: readonly RunnableFinalizer[];
  timeoutMs: number;
  /**
   * Skip shedding analyzers for turns the conversation has moved past (default on). Off, every
   * analyzer runs on every item however late: for acceptance tests that assert what each turn
   * shows, on machines whose load would otherwise decide it.
   */
  loadShedding?: boolean;
  logger: PipelineLogger;
  /**
   * Conversations whose transcript and analyzer state stay cached in memory, most recently
   * used kept. Default 1,000. Conversations that never end (a dropped connector) would
   * otherwise hold their transcripts forever; an evicted one is reloaded from the database.
   */
  maxCachedConversations?: number;
}

interface ConversationCache {
  transcript: ConversationItem[] | null;
  state: Map<string, unknown> | null;
}

/** Runs `work` with a deadline; the signal tells the work to stop when time is up. */
async function withTimeout<T>(
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: work that settles on abort must not win the race.
      reject(
        new CuecardError('analyzer_timeout', `took longer than ${timeoutMs} ms`, {
          retryable: true,
        }),
      );
      controller.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The live pipeline. Items of one conversation are analyzed strictly in sequence order; different
 * conversations proceed concurrently. A failing or slow analyzer yields an `error` event and the
 * next one still runs. What survives a restart is in the database: items, events, analyzer state;
 * the in-memory maps are only caches.
 */
export function createPipeline(options: PipelineOptions) {
  const { conversations, eventLog, analyzerStates, wrapups, timeoutMs, logger } = options;
  const analyzers = orderStages(options.analyzers, 'analyzer');
  const finalizers = orderStages(options.finalizers, 'finalizer');
  const queues = new Map<string, Promise<void>>();
  const admissions = new Map<string, ReturnType<typeof createAdmission>>();
  // Shedding analyzers run a few at a time across all conversations (one database, two cores).
  const admissionOf = (analyzer: RunnableAnalyzer) => {
    let admission = admissions.get(analyzer.name);
    if (!admission)
      admissions.set(
        analyzer.name,
        (admission = createAdmission(analyzer.maxConcurrent ?? 2, analyzer.maxBusyShare)),
      );
    return admission;
  };
  // Insertion order of a Map is its recency order: a hit is moved to the end.
  const caches = new Map<string, ConversationCache>();
  const maxCached = options.maxCachedConversations ?? 1000;

  function cacheOf(conversationId: string): ConversationCache {
    let cache = caches.get(conversationId);
    if (cache) {
      caches.delete(conversationId);
    } else {
      cache = { transcript: null, state: null };
    }
    caches.set(conversationId, cache);
    if (caches.size > maxCached) evictIdle();
    return cache;
  }

  /** Drops least recently used caches of conversations with no job queued or running. */
  function evictIdle(): void {
    for (const id of caches.keys()) {
      if (caches.size <= maxCached) return;
      if (!queues.has(id)) caches.delete(id);
    }
  }

  function enqueue(conversationId: string, job: () => Promise<void>): Promise<void> {
    const previous = queues.get(conversationId) ?? Promise.resolve();
    const next = previous.then(job).catch((error: unknown) => {
      logger.error({ conversationId, err: errorSummary(error) }, 'pipeline job failed');
    });
    queues.set(conversationId, next);
    void next.then(() => {
      if (queues.get(conversationId) === next) queues.delete(conversationId);
    });
    return next;
  }

  async function transcriptOf(conversation: ConversationRecord, item?: ConversationItem) {
    const cache = cacheOf(conversation.id);
    if (!cache.transcript) {
      cache.transcript = await conversations.items(conversation.id);
    } else if (item && !cache.transcript.some((known) => known.seq === item.seq)) {
      cache.transcript.push(item);
    }
    return cache.transcript;
  }

  async function stateOf(conversationId: string): Promise<Map<string, unknown>> {
    const cache = cacheOf(conversationId);
    cache.state ??= await analyzerStates.load(conversationId);
    return cache.state;
  }

  function scopeOf(conversation: ConversationRecord): EventScope {
    return {
      tenantId: conversation.tenantId,
      conversationId: conversation.id,
      agentId: conversation.agentId,
    };
  }

  function errorEvent(stage: string, error: unknown, seq?: number): EventBody {
    const known = CuecardError.isInstance(error) && error.code === 'analyzer_timeout';
    return {
      type: 'error',
      code: known ? 'analyzer_timeout' : 'analyzer_failed',
      message: known ? `${stage} ${error.message}` : `${stage} failed; the conversation goes on`,
      retryable: known,
      analyzer: stage,
      ...(seq !== undefined ? { seq } : {}),
    };
  }

  async function analyzeItem(
    conversation: ConversationRecord,
    item: ConversationItem,
    queuedAt: number,
  ): Promise<void> {
    const transcript = await transcriptOf(conversation, item);
    const state = await stateOf(conversation.id);
    const previous: Record<string, object> = {};
    const changedState: [string, unknown][] = [];
    // Events of light analyzers are written together: one INSERT instead of one per analyzer.
    // Pending events are flushed before a heavy analyzer runs, so nothing waits behind it.
    let pending: EventBody[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const bodies = pending;
      pending = [];
      await eventLog.append(scopeOf(conversation), bodies);
    };
    for (const analyzer of analyzers) {
      if (!(analyzer.accepts ?? ['utterance']).includes(item.kind)) continue;
      if (analyzer.cost === 'heavy') await flush();
      // Load shedding: a shedding analyzer waits for a slot only while its result would still be
      // fresh; past that the turn goes without it (the next turn brings a fresh one).
      let release: (() => void) | null = null;
      if (analyzer.skipWhenBehindMs !== undefined && options.loadShedding !== false) {
        const remaining = analyzer.skipWhenBehindMs - (Date.now() - queuedAt);
        // Waiting holds up this conversation's later analyzers too: wait briefly at most.
        release =
          remaining > 0
            ? await admissionOf(analyzer).enter(Math.min(remaining, MAX_ADMISSION_WAIT_MS))
            : null;
        if (!release) {
          logger.warn(
            {
              conversationId: conversation.id,
              seq: item.seq,
              analyzer: analyzer.name,
              lagMs: Date.now() - queuedAt,
            },
            'analyzer skipped: pipeline behind',
          );
          continue;
        }
      }
      let output: RunnableOutput | null;
      try {
        output = await withTimeout(analyzer.timeoutMs ?? timeoutMs, (signal) =>
          analyzer.analyze({
            tenantId: conversation.tenantId,
            conversation,
            item,
            transcript,
            previous: declaredResults(previous, analyzer.reads),
            state: state.get(analyzer.name),
            signal,
            emit: (event) => {
              if (signal.aborted) return;
              // A streamed event that cannot be written is lost to subscribers, not to the turn:
              // the analyzer's result still comes. Logged by code, never by content.
              eventLog.append(scopeOf(conversation), [event]).catch((error: unknown) =>
                logger.warn(
                  {
                    conversationId: conversation.id,
                    seq: item.seq,
                    analyzer: analyzer.name,
                    event: event.type,
                    err: errorSummary(error),
                  },
                  'streamed event not stored',
                ),
              );
            },
          }),
        );
      } catch (error) {
        logger.warn(
          {
            conversationId: conversation.id,
            seq: item.seq,
            analyzer: analyzer.name,
            err: errorSummary(error),
          },
          'analyzer failed',
        );
        pending.push(errorEvent(analyzer.name, error, item.seq));
        continue;
      } finally {
        release?.();
      }
      if (!output) continue;
      const bodies = pending;
      if (output.result) {
        previous[analyzer.name] = output.result;
        // The contract ties each analyzer's name to its result type (defineAnalyzer); the kernel
        // itself schedules stages by name without knowing the registry.
        bodies.push({
          type: 'analysis',
          analyzer: analyzer.name,
          seq: item.seq,
          result: output.result,
        } as EventBody);
      }
      bodies.push(...(output.events ?? []));
      if (output.state !== undefined) {
        state.set(analyzer.name, output.state);
        changedState.push([analyzer.name, output.state]);
      }
      // What a heavy analyzer found goes out at once.
      if (analyzer.cost === 'heavy') await flush();
    }
    await flush();
    await analyzerStates.save(conversation.id, changedState);
  }

  /** Each item's live results by analyzer, as the event log kept them (later ones win). */
  async function loadAnalyses(conversation: ConversationRecord) {
    const analyses: Record<number, Record<string, object>> = {};
    const stored = await eventLog.analyses({
      tenantId: conversation.tenantId,
      conversationId: conversation.id,
    });
    for (const { seq, analyzer, result } of stored) (analyses[seq] ??= {})[analyzer] = result;
    return analyses;
  }

  async function finalize(conversation: ConversationRecord): Promise<void> {
    const transcript = await conversations.items(conversation.id);
    const analyses = await loadAnalyses(conversation);
    const previous: Record<string, object> = {};
    for (const finalizer of finalizers) {
      try {
        const output = await withTimeout(finalizer.timeoutMs ?? timeoutMs * 5, (signal) =>
          finalizer.finalize({
            tenantId: conversation.tenantId,
            conversation,
            transcript,
            previous: declaredResults(previous, finalizer.reads),
            analyses: liveResults(analyses, finalizer.readsLive),
            signal,
          }),
        );
        if (!output) continue;
        const bodies: EventBody[] = [];
        if (output.result) {
          previous[finalizer.name] = output.result;
          bodies.push({ type: 'wrapup', step: finalizer.name, result: output.result } as EventBody);
          // Kept per conversation and step for QA review and reports (one row, latest wins).
          await wrapups.save(
            { tenantId: conversation.tenantId, conversationId: conversation.id },
            finalizer.name,
            output.result,
          );
        }
        bodies.push(...(output.events ?? []));
        await eventLog.append(scopeOf(conversation), bodies);
      } catch (error) {
        logger.warn(
          { conversationId: conversation.id, finalizer: finalizer.name, err: errorSummary(error) },
          'finalizer failed',
        );
        await eventLog.append(scopeOf(conversation), [errorEvent(finalizer.name, error)]);
      }
    }
    caches.delete(conversation.id);
  }

  return {
    /** Queues a durable item for analysis; resolves when its analyzers are done. */
    analyze(conversation: ConversationRecord, item: ConversationItem): Promise<void> {
      const queuedAt = Date.now();
      return enqueue(conversation.id, () => analyzeItem(conversation, item, queuedAt));
    },
    /** Queues the wrap-up after every item already queued for the conversation. */
    end(conversation: ConversationRecord): Promise<void> {
      return enqueue(conversation.id, () => finalize(conversation));
    },
    /** How many conversations' transcripts are held in memory (bounded by the cache size). */
    cachedConversations(): number {
      return caches.size;
    },
    /** Resolves when every queued job of every conversation is done (tests, shutdown). */
    async drain(): Promise<void> {
      while (queues.size > 0) await Promise.all([...queues.values()]);
    },
  };
}

export type Pipeline = ReturnType<typeof createPipeline>;

/** Each item's results of the declared analyzers only. */
export function liveResults(
  analyses: Readonly<Record<number, Record<string, object>>>,
  reads: readonly string[],
): Record<number, Record<string, unknown>> {
  const picked: Record<number, Record<string, unknown>> = {};
  for (const [seq, byAnalyzer] of Object.entries(analyses))
    picked[Number(seq)] = declaredResults(byAnalyzer, reads);
  return picked;
}
