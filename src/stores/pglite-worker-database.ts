import { Worker } from 'node:worker_threads';
import type { Database, QueryOptions, Queryable, SqlParam } from './database.js';
import { CuecardError } from '../errors/cuecard-error.js';
import {
  deserializeError,
  type WorkerReply,
  type WorkerRequest,
} from './pglite-worker-protocol.js';

const workerUrl = new URL('./pglite-worker.ts', import.meta.url).href;
// Workers do not inherit tsx's loader: register it inside the worker, then load the TypeScript entry.
const workerBootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); })`;

export interface PgliteWorkerOptions {
  /**
   * The longest a background statement waits behind interactive ones before it runs anyway
   * (see statement-queue.ts).
   */
  maxBackgroundWaitMs?: number;
}

type Outgoing = WorkerRequest extends infer Request
  ? Request extends WorkerRequest
    ? Omit<Request, 'id'>
    : never
  : never;
type Answer = Extract<WorkerReply, { type: 'result' } | { type: 'done' }>;

const jsonReplacer = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? value.toString() : value;

/**
 * A JSON parameter is serialized here, exactly as PGlite would have done it in this thread: a
 * structured clone would drop `toJSON` and class prototypes on the way to the worker. Dates,
 * bytes and arrays clone faithfully and are left to PGlite's own serializers.
 */
function prepare(params: readonly SqlParam[]): readonly SqlParam[] {
  return params.map((param) =>
    param === null ||
    typeof param !== 'object' ||
    Array.isArray(param) ||
    param instanceof Date ||
    ArrayBuffer.isView(param)
      ? param
      : JSON.stringify(param, jsonReplacer),
  );
}

/**
 * Embedded PGlite in its own worker thread, behind the same `Database` as the in-thread engine:
 * SQL never runs on the service's event loop. Statements are queued in the worker, interactive
 * ones ahead of `priority: 'background'` ones (see statement-queue.ts). One PGlite, one
 * connection: a transaction holds it until it ends.
 */
export async function openPgliteWorkerDatabase(
  dataDir: string | undefined,
  options: PgliteWorkerOptions = {},
): Promise<Database> {
  const worker = new Worker(workerBootstrap, {
    eval: true,
    workerData: { dataDir, maxBackgroundWaitMs: options.maxBackgroundWaitMs ?? 100 },
    // The engine's data lives in WASM memory; the thread's JavaScript is the queue and the rows
    // on their way out. A young generation of 8 MB instead of the main thread's default (up to
    // ~48 MB, resident once used) is enough for that (docs/decisions/0031).
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  const pending = new Map<
    number,
    { resolve: (answer: Answer) => void; reject: (error: Error) => void }
  >();
  let nextId = 1;
  let nextTransaction = 1;
  let started = false;
  let closing: Promise<void> | undefined;
  let closed = false;
  /** Set once the worker is gone: every later call fails with it. */
  let failure: Error | undefined;

  const where = dataDir ? `in ${dataDir}` : 'in memory';
  let startFailed: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    startFailed = reject;
    worker.on('message', (reply: WorkerReply) => {
      switch (reply.type) {
        case 'ready':
          started = true;
          worker.unref();
          resolve();
          return;
        case 'fatal':
          fail(deserializeError(reply.error));
          return;
        case 'result':
        case 'done':
        case 'error': {
          const caller = pending.get(reply.id);
          pending.delete(reply.id);
          // Idle, the worker must not keep the process alive; with work in flight it does.
          if (pending.size === 0) worker.unref();
          if (!caller) return;
          if (reply.type === 'error') caller.reject(deserializeError(reply.error));
          else caller.resolve(reply);
          return;
        }
      }
    });
  });

  function fail(cause: Error): void {
    if (failure) return;
    failure = new CuecardError(
      'provider_unavailable',
      started
        ? `The embedded database (PGlite ${where}) stopped: ${cause.message}`
        : `The embedded database (PGlite ${where}) could not start: ${cause.message}`,
      { cause },
    );
    for (const caller of pending.values()) caller.reject(failure);
    pending.clear();
    if (!started) startFailed(failure);
    void worker.terminate();
  }
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!closed) fail(new Error(`its worker thread exited with code ${code}`));
  });

  await ready;

  function send(message: Outgoing): Promise<Answer> {
    if (failure) return Promise.reject(failure);
    // Once close() is called only an open transaction may finish; anything new is refused.
    const inTransaction = 'tx' in message && message.type !== 'begin';
    if (closing && !inTransaction && message.type !== 'close')
      return Promise.reject(new Error('The embedded database is closed'));
    const id = nextId++;
    return new Promise<Answer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (pending.size === 1) worker.ref();
      try {
        worker.postMessage({ ...message, id });
      } catch (error) {
        // A parameter that cannot be cloned (a function, a symbol) fails this call only.
        pending.delete(id);
        if (pending.size === 0) worker.unref();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  const rowsOf = <Row>(answer: Answer) =>
    answer.type === 'result'
      ? { rows: answer.rows as Row[], affectedRows: answer.affectedRows }
      : { rows: [] as Row[], affectedRows: 0 };

  return {
    engine: 'pglite',
    // One statement runs at a time in the worker; the rest of `pending` waits behind it.
    load: () => ({
      connections: 1,
      busy: pending.size > 0 ? 1 : 0,
      waiting: Math.max(0, pending.size - 1),
    }),
    async query<Row>(sql: string, params: readonly SqlParam[] = [], queryOptions?: QueryOptions) {
      const priority = queryOptions?.priority ?? 'interactive';
      return rowsOf<Row>(await send({ type: 'query', sql, params: prepare(params), priority }));
    },
    async exec(sql: string) {
      await send({ type: 'exec', sql, priority: 'interactive' });
    },
    async transaction(work) {
      const tx = nextTransaction++;
      await send({ type: 'begin', tx });
      let ended = false;
      const assertOpen = () => {
        if (ended) throw new Error('Transaction is closed');
      };
      const scoped: Queryable = {
        async query<Row>(sql: string, params: readonly SqlParam[] = []) {
          assertOpen();
          const answer = await send({
            type: 'query',
            sql,
            params: prepare(params),
            priority: 'interactive',
            tx,
          });
          return rowsOf<Row>(answer);
        },
        async exec(sql: string) {
          assertOpen();
          await send({ type: 'exec', sql, priority: 'interactive', tx });
        },
      };
      try {
        const result = await work(scoped);
        ended = true;
        await send({ type: 'commit', tx });
        return result;
      } catch (error) {
        if (!ended) {
          ended = true;
          // The work's error is the one to report; the worker has let go of the transaction
          // either way (or has failed, and every later call says so).
          await send({ type: 'rollback', tx }).catch(() => undefined);
        }
        throw error;
      }
    },
    close() {
      closing ??= (async () => {
        if (failure) return;
        // Queued last in the worker: every statement issued before it runs first.
        await send({ type: 'close' });
        closed = true;
        await worker.terminate();
      })();
      return closing;
    },
  };
}
