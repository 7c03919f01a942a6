import { randomUUID } from 'node:crypto';
import type { EventBody } from '../../conversations/events.js';
import {
  contentHash,
  createConversationStore,
  type NewItem,
} from '../../conversations/conversation-store.js';
import { createEventLog } from '../../conversations/event-log.js';
import type {
  Channel,
  ConversationItem,
  ConversationRecord,
  Speaker,
} from '../../conversations/types.js';
import type { Database } from '../../stores/database.js';
import type {
  RunnableAnalyzer,
  RunnableContext,
  RunnableFinalizer,
  RunnableFinalizerContext,
  RunnableOutput,
} from '../analyzer.js';
import { createAnalyzerStateStore } from '../analyzer-state-store.js';
import { createWrapupStore } from '../../wrap-up/wrapup-store.js';
import { createPipeline, liveResults } from '../pipeline.js';
import { declaredResults, orderStages } from '../stage-order.js';

/**
 * The conformance suite's harness (the checks are in conformance.ts). It stores scripted
 * conversations through the conversation store (redacted, as the ingest service stores them)
 * and plays them through every stage the way the runner does: items in order, stages in the
 * runner's order, `previous` holding what the real upstream stages returned on the same item,
 * state carried between items. Every call is recorded (output, emitted events, the `previous`
 * keys touched) so that each check reads the same plays instead of playing again.
 */

export type ConformanceTurn =
  { speaker: Speaker; text: string } | { action: string; data?: Record<string, unknown> };

/** A scripted conversation, stored through the conversation store before it is played. */
export interface ConformanceScript {
  name: string;
  channel: Channel;
  language?: string;
  customerId?: string;
  customerAttributes?: Record<string, unknown>;
  turns: readonly ConformanceTurn[];
}

export interface ConformanceOptions {
  /** The real, migrated database; the runner-level checks write their events here. */
  db: Database;
  tenantId: string;
  /** As the composition root lists them: the suite orders them as the runner does. */
  analyzers: readonly RunnableAnalyzer[];
  finalizers: readonly RunnableFinalizer[];
  /** Redaction as the ingest service applies it before an item is stored. */
  redact?: (tenantId: string, text: string) => Promise<string> | string;
  /**
   * Realistic conversations (names unique: plays are kept by name); each stage is expected to
   * answer on at least one of them.
   */
  conversations: readonly ConformanceScript[];
  /**
   * Makes the database the stages were built on fail (see stores/testing/faulty-database.ts);
   * without it the runner-level database fault check is left out.
   */
  databaseFaults?: { fail(on: boolean): void };
  /** The runner's per-stage time limit in the runner-level checks. Default 10 s (CI is slow). */
  runnerTimeoutMs?: number;
}

/** Longer than any stage may take in a play: past it the call counts as hung, not as slow. */
const HANG_MS = 20_000;

// ---- outcomes ----------------------------------------------------------------------------------

export interface Attempt {
  output: RunnableOutput | null | undefined;
  error: unknown;
  failed: boolean;
  /** Events the stage published through `emit` while it ran. */
  emitted: EventBody[];
  /** `previous` keys the stage touched. */
  accessed: Set<string>;
  /** Wrap-up steps: analyzer names touched in any item's entry of `analyses`. */
  accessedLive: Set<string>;
  /** JSON copy taken right away (later calls cannot change it), random ids normalised. */
  snapshot: unknown;
}

interface StoredScript {
  script: ConformanceScript;
  opened: ConversationRecord;
  /** Each stored item with the conversation record the store returned with it. */
  steps: Array<{ item: ConversationItem; conversation: ConversationRecord }>;
}

export interface AnalyzerCall {
  stage: string;
  item: ConversationItem;
  /** Exactly what the stage was given (before the access recorder). */
  context: Omit<RunnableContext, 'signal' | 'emit'>;
  attempts: Attempt[];
}

export interface AnalyzerPlay {
  calls: AnalyzerCall[];
  /** Each item's results by analyzer, as the runner keeps them for the wrap-up. */
  live: Record<number, Record<string, object>>;
}

export interface FinalizerCall {
  stage: string;
  context: Omit<RunnableFinalizerContext, 'signal'>;
  attempts: Attempt[];
  /** Table row counts after each attempt (retry plays only). */
  rowCounts: Array<Record<string, number>>;
}

export interface FinalizerPlay {
  calls: FinalizerCall[];
}

// ---- helpers -----------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Random ids (replyId, suggestionId...) differ between two runs by design: compare without them. */
export function normaliseIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseIds);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [
        key,
        key.endsWith('Id') && typeof entry === 'string' && UUID.test(entry)
          ? '<uuid>'
          : normaliseIds(entry),
      ]),
    );
  }
  return value;
}

/**
 * Where a value would not come back the same from JSON (NaN, Infinity, a Date, a Map, a class
 * instance, undefined in an array, a function). Undefined object properties are fine: JSON drops
 * them and a reader sees them absent either way. -0 comes back as 0, which compares equal.
 */
export function jsonProblems(value: unknown, path = '$'): string[] {
  // Nothing returned is nothing stored (undefined inside an array is caught below).
  if (value === undefined) return [];
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number')
    return Number.isFinite(value) ? [] : [`${path} is ${String(value)}`];
  if (Array.isArray(value))
    return value.flatMap((entry, index) =>
      entry === undefined
        ? [`${path}[${index}] is undefined`]
        : jsonProblems(entry, `${path}[${index}]`),
    );
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null)
      return [`${path} is a ${(value as { constructor?: { name?: string } }).constructor?.name}`];
    return Object.entries(value).flatMap(([key, entry]) =>
      entry === undefined ? [] : jsonProblems(entry, `${path}.${key}`),
    );
  }
  return [`${path} is a ${typeof value}`];
}

export function jsonCopy(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch (error) {
    return `<not serialisable: ${describeError(error)}>`;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code ? ` (${String(code)})` : ''}: ${error.message}`;
  }
  return String(error);
}

/** An error that says the call stopped because it was aborted or ran out of time. */
export function isAbortError(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  return (
    error.name === 'AbortError' ||
    error.name === 'TimeoutError' ||
    code === 'ABORT_ERR' ||
    code === 'analyzer_timeout' ||
    isAbortError(error.cause, depth + 1)
  );
}

/** What a call that did not settle in time is recorded with. */
export class HangError extends Error {
  constructor(ms: number) {
    super(`still running after ${ms} ms`);
    this.name = 'HangError';
  }
}

/** Settles with the work, or rejects with a HangError after `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HangError(ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Keys that JSON, promises and test tooling look up on any object: asking for them is not
 * reading a result.
 */
const INCIDENTAL_KEYS = new Set(['toJSON', 'then', 'constructor', 'valueOf', 'toString']);

/**
 * Wraps a record so that every key asked for is noted while `recording` is on. A read through a
 * cast (`(previous as any).summary`) compiles but still asks the proxy, so it is caught here.
 */
function recordKeys<T extends object>(
  target: T,
  seen: Set<string>,
  isOn: () => boolean,
  wrapValue?: (value: unknown) => unknown,
): T {
  const note = (key: string | symbol) => {
    if (isOn() && typeof key === 'string' && !INCIDENTAL_KEYS.has(key)) seen.add(key);
  };
  return new Proxy(target, {
    get(object, key, receiver) {
      note(key);
      const value = Reflect.get(object, key, receiver) as unknown;
      return wrapValue ? wrapValue(value) : value;
    },
    has(object, key) {
      note(key);
      return Reflect.has(object, key);
    },
    getOwnPropertyDescriptor(object, key) {
      note(key);
      const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
      if (descriptor && wrapValue && 'value' in descriptor)
        return { ...descriptor, value: wrapValue(descriptor.value) };
      return descriptor;
    },
  });
}

function outputSnapshot(output: RunnableOutput | null | undefined, emitted: EventBody[]) {
  return normaliseIds(
    jsonCopy({
      returned: output === null ? null : output === undefined ? 'nothing' : 'output',
      result: output?.result,
      events: output?.events ?? [],
      emitted,
      state: output?.state,
    }),
  );
}

// ---- the world: scripts stored once, plays memoised ---------------------------------------------

export type ConformanceWorld = ReturnType<typeof createConformanceWorld>;

export function createConformanceWorld(options: ConformanceOptions) {
  const { db, tenantId } = options;
  const conversations = createConversationStore(db);
  const analyzers = orderStages(options.analyzers, 'analyzer');
  const finalizers = orderStages(options.finalizers, 'finalizer');
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    let promise = memo.get(key) as Promise<T> | undefined;
    if (!promise) memo.set(key, (promise = make()));
    return promise;
  };

  /** Stores a script the way the ingest service does: redacted text, dense sequence numbers. */
  async function store(script: ConformanceScript): Promise<StoredScript> {
    const { conversation: opened } = await conversations.open({
      tenantId,
      externalId: `conformance-${script.name}-${randomUUID()}`,
      channel: script.channel,
      agentId: 'agent-1',
      customerId: script.customerId,
      customerAttributes: script.customerAttributes,
      language: script.language,
    });
    const steps: StoredScript['steps'] = [];
    for (const [index, turn] of script.turns.entries()) {
      const seq = index + 1;
      const item: NewItem =
        'action' in turn
          ? { kind: 'action', seq, action: turn.action, data: turn.data }
          : {
              kind: 'utterance',
              seq,
              speaker: turn.speaker,
              text: options.redact ? await options.redact(tenantId, turn.text) : turn.text,
            };
      const outcome = await conversations.append(tenantId, opened.id, item, contentHash(turn));
      if (outcome.status !== 'stored')
        throw new Error(`${script.name} #${seq} was not stored: ${outcome.status}`);
      steps.push({ item: outcome.item, conversation: outcome.conversation });
    }
    return { script, opened, steps };
  }

  const stored = (script: ConformanceScript) => once(`stored:${script.name}`, () => store(script));

  const ended = (script: ConformanceScript) =>
    once(`ended:${script.name}`, async () => {
      const { opened } = await stored(script);
      const record = await conversations.end(tenantId, opened.id);
      if (!record) throw new Error(`${script.name} could not be ended`);
      return record;
    });

  /**
   * History for stages that read it (similar cases, repeat contacts): each realistic conversation
   * is first played once, start to end, through the real runner.
   */
  const history = () =>
    once('history', async () => {
      const eventLog = createEventLog(db);
      const pipeline = createPipeline({
        analyzerStates: createAnalyzerStateStore(db),
        wrapups: createWrapupStore(db),
        conversations,
        eventLog,
        analyzers,
        finalizers,
        timeoutMs: options.runnerTimeoutMs ?? 10_000,
        logger: { warn: () => undefined, error: () => undefined },
      });
      for (const script of options.conversations) {
        const { steps } = await store(script);
        for (const { item, conversation } of steps) await pipeline.analyze(conversation, item);
        const last = steps.at(-1)?.conversation;
        const record = last && (await conversations.end(tenantId, last.id));
        if (record) await pipeline.end(record);
      }
      await pipeline.drain();
    });

  let tables: Promise<string[]> | undefined;
  /** Rows per table: a retried wrap-up step must not add any. */
  async function rowCounts(): Promise<Record<string, number>> {
    tables ??= db
      .query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
      )
      .then(({ rows }) => rows.map((row) => row.table_name));
    const names = await tables;
    const { rows } = await db.query<{ name: string; n: number }>(
      names
        .map((name) => `SELECT '${name}' AS name, count(*)::int AS n FROM "${name}"`)
        .join(' UNION ALL '),
    );
    return Object.fromEntries(rows.map((row) => [row.name, row.n]));
  }

  async function attemptAnalyzer(
    analyzer: RunnableAnalyzer,
    context: AnalyzerCall['context'],
    overrides: { signal?: AbortSignal; state?: unknown; hangMs?: number } = {},
  ): Promise<Attempt> {
    const accessed = new Set<string>();
    let recording = true;
    const emitted: EventBody[] = [];
    const controller = new AbortController();
    const full: RunnableContext = {
      ...context,
      previous: recordKeys(context.previous, accessed, () => recording),
      state: 'state' in overrides ? overrides.state : context.state,
      signal: overrides.signal ?? controller.signal,
      emit: (event) => emitted.push(event),
    };
    let output: RunnableOutput | null | undefined;
    let error: unknown;
    let failed = false;
    try {
      output = await within(overrides.hangMs ?? HANG_MS, analyzer.analyze(full));
    } catch (caught) {
      failed = true;
      error = caught;
      controller.abort();
    } finally {
      recording = false;
    }
    return {
      output,
      error,
      failed,
      emitted,
      accessed,
      accessedLive: new Set(),
      snapshot: failed ? { threw: describeError(error) } : outputSnapshot(output, emitted),
    };
  }

  /**
   * Plays a stored script through every analyzer, item by item, as the runner does. `state`:
   * 'memory' hands each analyzer the very object it returned last time (the runner's cache);
   * 'json' hands it what the database would give back. `attempts`: 2 calls each stage twice
   * with the same context (a retried item) and carries on with the second output.
   */
  async function playAnalyzers(
    script: ConformanceScript,
    mode: { state: 'memory' | 'json'; attempts: 1 | 2 },
  ): Promise<AnalyzerPlay> {
    await history();
    const { steps } = await stored(script);
    const states = new Map<string, unknown>();
    const transcript: ConversationItem[] = [];
    const calls: AnalyzerCall[] = [];
    const live: AnalyzerPlay['live'] = {};
    for (const { item, conversation } of steps) {
      transcript.push(item);
      const results: Record<string, object> = {};
      for (const analyzer of analyzers) {
        if (!(analyzer.accepts ?? ['utterance']).includes(item.kind)) continue;
        const context: AnalyzerCall['context'] = {
          tenantId,
          conversation,
          item,
          transcript: [...transcript],
          previous: declaredResults(results, analyzer.reads),
          state: states.get(analyzer.name),
        };
        const call: AnalyzerCall = { stage: analyzer.name, item, context, attempts: [] };
        for (let n = 0; n < mode.attempts; n++)
          call.attempts.push(await attemptAnalyzer(analyzer, context));
        calls.push(call);
        const output = call.attempts.at(-1)!.output;
        if (output?.result) results[analyzer.name] = output.result;
        if (output?.state !== undefined)
          states.set(
            analyzer.name,
            mode.state === 'json' ? JSON.parse(JSON.stringify(output.state)) : output.state,
          );
      }
      live[item.seq] = results;
    }
    return { calls, live };
  }

  async function attemptFinalizer(
    finalizer: RunnableFinalizer,
    context: FinalizerCall['context'],
    overrides: { signal?: AbortSignal; hangMs?: number } = {},
  ): Promise<Attempt> {
    const accessed = new Set<string>();
    const accessedLive = new Set<string>();
    let recording = true;
    const isOn = () => recording;
    const perSeq = new Map<unknown, unknown>();
    const controller = new AbortController();
    const full: RunnableFinalizerContext = {
      ...context,
      previous: recordKeys(context.previous, accessed, isOn),
      // Outer keys are sequence numbers; what is read of each item's results must be declared.
      analyses: recordKeys(context.analyses, new Set(), isOn, (value) => {
        if (typeof value !== 'object' || value === null) return value;
        let wrapped = perSeq.get(value);
        if (!wrapped) perSeq.set(value, (wrapped = recordKeys(value, accessedLive, isOn)));
        return wrapped;
      }),
      signal: overrides.signal ?? controller.signal,
    };
    let output: RunnableOutput | null | undefined;
    let error: unknown;
    let failed = false;
    try {
      output = await within(overrides.hangMs ?? HANG_MS, finalizer.finalize(full));
    } catch (caught) {
      failed = true;
      error = caught;
      controller.abort();
    } finally {
      recording = false;
    }
    return {
      output,
      error,
      failed,
      emitted: [],
      accessed,
      accessedLive,
      snapshot: failed ? { threw: describeError(error) } : outputSnapshot(output, []),
    };
  }

  /**
   * Ends a played script and runs every wrap-up step in order on it, as the runner does.
   * `analyses`: 'json' as the runner reads them back from the event log, 'memory' as produced.
   */
  async function playFinalizers(
    script: ConformanceScript,
    mode: { analyses: 'memory' | 'json'; attempts: 1 | 2 },
  ): Promise<FinalizerPlay> {
    const play = await playAnalyzers(script, { state: 'memory', attempts: 1 });
    const conversation = await ended(script);
    const transcript = (await stored(script)).steps.map((step) => step.item);
    const analyses =
      mode.analyses === 'json'
        ? (JSON.parse(JSON.stringify(play.live)) as AnalyzerPlay['live'])
        : play.live;
    const results: Record<string, object> = {};
    const calls: FinalizerCall[] = [];
    for (const finalizer of finalizers) {
      const context: FinalizerCall['context'] = {
        tenantId,
        conversation,
        transcript,
        previous: declaredResults(results, finalizer.reads),
        analyses: liveResults(analyses, finalizer.readsLive),
      };
      const call: FinalizerCall = { stage: finalizer.name, context, attempts: [], rowCounts: [] };
      for (let n = 0; n < mode.attempts; n++) {
        call.attempts.push(await attemptFinalizer(finalizer, context));
        if (mode.attempts > 1) call.rowCounts.push(await rowCounts());
      }
      calls.push(call);
      const result = call.attempts.at(-1)!.output?.result;
      if (result) results[finalizer.name] = result;
    }
    return { calls };
  }

  return {
    options,
    analyzers,
    finalizers,
    conversations,
    store,
    attemptAnalyzer,
    attemptFinalizer,
    analyzerPlay: (script: ConformanceScript, mode: Parameters<typeof playAnalyzers>[1]) =>
      once(`analyzers:${script.name}:${mode.state}:${mode.attempts}`, () =>
        playAnalyzers(script, mode),
      ),
    finalizerPlay: (script: ConformanceScript, mode: Parameters<typeof playFinalizers>[1]) =>
      once(`finalizers:${script.name}:${mode.analyses}:${mode.attempts}`, () =>
        playFinalizers(script, mode),
      ),
  };
}

/** The plays the checks compare. */
export const MEMORY = { state: 'memory', attempts: 1 } as const;
export const JSON_STATE = { state: 'json', attempts: 1 } as const;
export const RETRY = { state: 'memory', attempts: 2 } as const;
export const LIVE_AS_STORED = { analyses: 'json', attempts: 1 } as const;
export const LIVE_IN_MEMORY = { analyses: 'memory', attempts: 1 } as const;
export const WRAPUP_RETRY = { analyses: 'json', attempts: 2 } as const;
