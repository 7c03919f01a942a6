import type { EventLog, EventScope } from '../conversations/event-log.js';
import type { EventBody } from '../conversations/events.js';
import type { ConversationStore } from '../conversations/conversation-store.js';
import {
  conversationEndKey,
  conversationStartKey,
  itemFinalKey,
  wrapupCompleteKey,
} from '../conversations/events.js';
import type { ConversationItem, ConversationRecord } from '../conversations/types.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { errorSummary } from '../errors/error-summary.js';
import type { RunnableAnalyzer, RunnableFinalizer, RunnableOutput } from './analyzer.js';
import { declaredResults, orderStages } from './stage-order.js';
import { createAdmission } from './admission.js';
import { readableItem } from './readable-item.js';
import {
  LANGUAGE_STAGE,
  NOTICES_STATE,
  itemLanguage,
  readNotices,
  supports,
  unsupportedConversationLanguage,
  unsupportedLanguage,
} from './language-gate.js';
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

/** One stage's run as the kernel saw it: what metrics are made of. */
export interface StageRun {
  kind: 'analyzer' | 'finalizer';
  name: string;
  /** `skipped`: shed under load (analyzers only); no time was spent. */
  outcome: 'ok' | 'failed' | 'skipped';
  seconds: number;
}

/** Watches stages run (metrics). The kernel calls it and knows nothing of what listens. */
export interface PipelineObserver {
  stageFinished(run: StageRun): void;
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
  observer?: PipelineObserver;
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
  /** The item this process analysed last: the cache holds up to it, no further. */
  lastSeq: number | null;
}

/**
 * How one run of an item's analysis is carried out. Durable work (pipeline-work.ts) keys every
 * event so that a retry stores none twice, can stop a run whose lease was lost, and commits the
 * analyzers' state together with the completion of its work row.
 */
export interface ItemRun {
  /** When the item was queued (epoch ms): load shedding skips what would be stale. */
  queuedAt: number;
  /** Aborts between analyzers: the lease was lost or the instance is stopping. */
  signal?: AbortSignal;
  /** Key events by what wrote them, and write the item's `item-final` event if it is missing. */
  keyed?: boolean;
  /** Saves the changed states (default: straight to the state store). */
  finish?: (changed: readonly (readonly [string, unknown])[]) => Promise<void>;
}

/** How one run of a wrap-up is carried out (see ItemRun). */
export interface WrapupRun {
  signal?: AbortSignal;
  keyed?: boolean;
}

const interrupted = () =>
  new CuecardError('work_interrupted', 'the run was interrupted; the work stays queued', {
    retryable: true,
  });

/** Stops a run between stages once its signal aborted (the work stays queued). */
function checkRun(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw interrupted();
}

/** An interruption is not the stage's failure: it ends the run instead of becoming an event. */
function rethrowInterruption(error: unknown): void {
  if (CuecardError.isInstance(error) && error.code === 'work_interrupted') throw error;
}

/**
 * Keys of streamed events: the n-th event one analyzer streams for an item keeps the same key on
 * a retry (the analyzer streams the same sequence again).
 */
function keyer(keyed: boolean): (prefix: string) => string {
  const counts = new Map<string, number>();
  return (prefix) => {
    if (!keyed) return prefix;
    const count = counts.get(prefix) ?? 0;
    counts.set(prefix, count + 1);
    return `${prefix}:${count}`;
  };
}

/**
 * Runs `work` with a deadline; the signal tells the work to stop when time is up, or at once when
 * `outer` aborts (the run was interrupted: the work stays queued).
 */
async function withTimeout<T>(
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
  outer?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
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
    onAbort = () => {
      reject(interrupted());
      controller.abort();
    };
    if (outer?.aborted) onAbort();
    else outer?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    if (onAbort) outer?.removeEventListener('abort', onAbort);
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
  // A stage with a language rule runs after the language analyzer, whose result decides it,
  // without reading that result (its `previous` holds only what it declared).
  const analyzers = orderStages(options.analyzers, 'analyzer', (analyzer) =>
    analyzer.languages === 'any' ? [] : [LANGUAGE_STAGE],
  );
  const finalizers = orderStages(options.finalizers, 'finalizer');
  /** Reports a stage's run; a failing observer never fails the turn. */
  const observe = (
    kind: StageRun['kind'],
    name: string,
    outcome: StageRun['outcome'],
    startedAt: number | null,
  ) => {
    if (!options.observer) return;
    const seconds = startedAt === null ? 0 : (performance.now() - startedAt) / 1000;
    try {
      options.observer.stageFinished({ kind, name, outcome, seconds });
    } catch (error) {
      logger.warn({ stage: name, err: errorSummary(error) }, 'pipeline observer failed');
    }
  };
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
      cache = { transcript: null, state: null, lastSeq: null };
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

  /**
   * The transcript up to `item` and the analyzers' state before it. Items of a conversation are
   * analysed in order, one at a time, but not always by this process (durable work spreads
   * them): the cache is used only when this process analysed the item just before, else both are
   * read again.
   */
  async function contextOf(conversation: ConversationRecord, item: ConversationItem) {
    const cache = cacheOf(conversation.id);
    if (cache.lastSeq !== item.seq - 1 || !cache.transcript || !cache.state) {
      const [items, state] = await Promise.all([
        conversations.items(conversation.id),
        analyzerStates.load(conversation.id),
      ]);
      cache.transcript = items.filter((known) => known.seq < item.seq).map(readableItem);
      cache.state = state;
    }
    if (!cache.transcript.some((known) => known.seq === item.seq)) cache.transcript.push(item);
    return { transcript: cache.transcript, state: cache.state, cache };
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
    said: ConversationItem,
    run: ItemRun,
  ): Promise<void> {
    const { queuedAt } = run;
    const item = readableItem(said);
    const { transcript, state, cache } = await contextOf(conversation, item);
    // Whatever happens below, the cache no longer stands for "just before the next item" unless
    // this run finishes.
    cache.lastSeq = null;
    const previous: Record<string, object> = {};
    const changedState: [string, unknown][] = [];
    const noticesBefore = readNotices(state.get(NOTICES_STATE));
    let notices = noticesBefore;
    // Events of light analyzers are written together: one INSERT instead of one per analyzer.
    // Pending events are flushed before a heavy analyzer runs, so nothing waits behind it.
    let pending: EventBody[] = [];
    let pendingKeys: string[] = [];
    const keyFor = keyer(run.keyed === true);
    const flush = async () => {
      if (pending.length === 0) return;
      const bodies = pending;
      const keys = pendingKeys;
      pending = [];
      pendingKeys = [];
      await eventLog.append(scopeOf(conversation), bodies, run.keyed ? keys : undefined);
    };
    const push = (key: string, ...bodies: EventBody[]) => {
      bodies.forEach((body, index) => {
        pending.push(body);
        pendingKeys.push(bodies.length > 1 ? `${key}:${index}` : key);
      });
    };
    // The ingest side writes item-final right after the ack; durable work writes it again (a
    // no-op then) in case the accepting process died in between.
    if (run.keyed) {
      // Likewise conversation-start, written by `open` before any item.
      if (item.seq === 1) push(conversationStartKey, { type: 'conversation-start', conversation });
      push(itemFinalKey(item.seq), { type: 'item-final', item: said });
    }
    for (const analyzer of analyzers) {
      if (!(analyzer.accepts ?? ['utterance']).includes(item.kind)) continue;
      checkRun(run.signal);
      const language = itemLanguage(previous[LANGUAGE_STAGE]);
      if (language !== undefined && !supports(analyzer.languages, language)) {
        // Not run: its state stays as it was, and later stages see no result of it.
        if (analyzer.languages !== 'any' && notices[analyzer.name] !== language) {
          notices = { ...notices, [analyzer.name]: language };
          push(`a:${item.seq}:${analyzer.name}`, {
            type: 'analysis',
            analyzer: analyzer.name,
            seq: item.seq,
            result: unsupportedLanguage(analyzer.languages, language),
          } as EventBody);
        }
        continue;
      }
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
          observe('analyzer', analyzer.name, 'skipped', null);
          continue;
        }
      }
      let output: RunnableOutput | null;
      const analyzerStarted = performance.now();
      try {
        output = await withTimeout(
          analyzer.timeoutMs ?? timeoutMs,
          (signal) =>
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
                const key = keyFor(`s:${item.seq}:${analyzer.name}`);
                const keys = run.keyed ? [key] : undefined;
                eventLog.append(scopeOf(conversation), [event], keys).catch((error: unknown) =>
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
          run.signal,
        );
      } catch (error) {
        rethrowInterruption(error);
        logger.warn(
          {
            conversationId: conversation.id,
            seq: item.seq,
            analyzer: analyzer.name,
            err: errorSummary(error),
          },
          'analyzer failed',
        );
        observe('analyzer', analyzer.name, 'failed', analyzerStarted);
        push(`x:${item.seq}:${analyzer.name}`, errorEvent(analyzer.name, error, item.seq));
        continue;
      } finally {
        release?.();
      }
      observe('analyzer', analyzer.name, 'ok', analyzerStarted);
      if (!output) continue;
      if (output.result) {
        previous[analyzer.name] = output.result;
        // A real result replaces the notice on the consoles: a later change is announced again.
        if (notices[analyzer.name] !== undefined) {
          const { [analyzer.name]: _replaced, ...rest } = notices;
          notices = rest;
        }
        // The contract ties each analyzer's name to its result type (defineAnalyzer); the kernel
        // itself schedules stages by name without knowing the registry.
        push(`a:${item.seq}:${analyzer.name}`, {
          type: 'analysis',
          analyzer: analyzer.name,
          seq: item.seq,
          result: output.result,
        } as EventBody);
      }
      push(`e:${item.seq}:${analyzer.name}`, ...(output.events ?? []));
      if (output.state !== undefined) {
        state.set(analyzer.name, output.state);
        changedState.push([analyzer.name, output.state]);
      }
      // What a heavy analyzer found goes out at once.
      if (analyzer.cost === 'heavy') await flush();
    }
    await flush();
    if (notices !== noticesBefore) {
      state.set(NOTICES_STATE, notices);
      changedState.push([NOTICES_STATE, notices]);
    }
    checkRun(run.signal);
    await (run.finish ?? ((changed) => analyzerStates.save(conversation.id, changed)))(
      changedState,
    );
    cache.lastSeq = item.seq;
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

  async function finalize(conversation: ConversationRecord, run: WrapupRun = {}): Promise<void> {
    const keys = (key: string, count: number) =>
      run.keyed
        ? Array.from({ length: count }, (_, index) => (index === 0 ? key : `${key}:${index}`))
        : undefined;
    if (run.keyed) {
      // As item-final above: the ending process may have died before writing it.
      await eventLog.append(
        scopeOf(conversation),
        [
          { type: 'conversation-start', conversation },
          { type: 'conversation-end', conversation },
        ],
        [conversationStartKey, conversationEndKey],
      );
    }
    const transcript = (await conversations.items(conversation.id)).map(readableItem);
    const analyses = await loadAnalyses(conversation);
    const previous: Record<string, object> = {};
    for (const finalizer of finalizers) {
      checkRun(run.signal);
      const language = unsupportedConversationLanguage(finalizer.languages, analyses);
      if (language !== undefined && finalizer.languages !== 'any') {
        // Stored and published in place of the step's result (the consoles show it); later
        // steps that read this one find nothing, as when a step has nothing to say.
        const result = unsupportedLanguage(finalizer.languages, language);
        await wrapups.save(
          { tenantId: conversation.tenantId, conversationId: conversation.id },
          finalizer.name,
          result,
        );
        await eventLog.append(
          scopeOf(conversation),
          [{ type: 'wrapup', step: finalizer.name, result } as EventBody],
          keys(`w:${finalizer.name}`, 1),
        );
        continue;
      }
      const finalizerStarted = performance.now();
      try {
        const output = await withTimeout(
          finalizer.timeoutMs ?? timeoutMs * 5,
          (signal) =>
            finalizer.finalize({
              tenantId: conversation.tenantId,
              conversation,
              transcript,
              previous: declaredResults(previous, finalizer.reads),
              analyses: liveResults(analyses, finalizer.readsLive),
              signal,
            }),
          run.signal,
        );
        observe('finalizer', finalizer.name, 'ok', finalizerStarted);
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
          await finalizer.afterSaved?.({
            tenantId: conversation.tenantId,
            conversationId: conversation.id,
          });
        }
        bodies.push(...(output.events ?? []));
        await eventLog.append(
          scopeOf(conversation),
          bodies,
          keys(`w:${finalizer.name}`, bodies.length),
        );
      } catch (error) {
        rethrowInterruption(error);
        logger.warn(
          { conversationId: conversation.id, finalizer: finalizer.name, err: errorSummary(error) },
          'finalizer failed',
        );
        observe('finalizer', finalizer.name, 'failed', finalizerStarted);
        await eventLog.append(
          scopeOf(conversation),
          [errorEvent(finalizer.name, error)],
          keys(`x:${finalizer.name}`, 1),
        );
      }
    }
    checkRun(run.signal);
    await eventLog.append(
      scopeOf(conversation),
      [{ type: 'wrapup-complete', steps: Object.keys(previous) } as EventBody],
      keys(wrapupCompleteKey, 1),
    );
    caches.delete(conversation.id);
  }

  return {
    /** Queues a durable item for analysis; resolves when its analyzers are done. */
    analyze(conversation: ConversationRecord, item: ConversationItem): Promise<void> {
      const queuedAt = Date.now();
      return enqueue(conversation.id, () => analyzeItem(conversation, item, { queuedAt }));
    },
    /** Analyses one item now (durable work calls this; it orders items itself). */
    analyzeNow(conversation: ConversationRecord, item: ConversationItem, run: ItemRun) {
      return analyzeItem(conversation, item, run);
    },
    /** Wraps the conversation up now (durable work calls this after its last analysis). */
    finalizeNow(conversation: ConversationRecord, run: WrapupRun) {
      return finalize(conversation, run);
    },
    /** Forgets what is cached of a conversation (its run was interrupted). */
    forget(conversationId: string): void {
      caches.delete(conversationId);
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
