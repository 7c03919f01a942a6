import { Worker } from 'node:worker_threads';
import { CuecardError } from '../../errors/cuecard-error.js';

/** What says which model a worker runs: passed to the worker entry as `workerData`. */
export interface WorkerModelData {
  /** Absolute path of the module whose export builds the model inside each worker. */
  modulePath: string;
  exportName: string;
  /** Plain data (structured clone) passed to that export. */
  args: unknown[];
}

/** Messages from the pool to a worker: one batch of texts. */
export type WorkerRequest =
  | { type: 'run'; id: number; texts: string[] }
  /** Finish what is running, then end the thread (see `close()`). */
  | { type: 'close' };

/** How long a closing worker may take to finish its batch before it is terminated. */
const GRACEFUL_CLOSE_MS = 2_000;

/**
 * Ends a worker thread without cutting native inference short: terminating a thread while
 * onnxruntime runs in it can crash the whole process (seen as a test worker that "exited
 * unexpectedly"), so the worker is asked to finish and exit, and terminated only if it does not.
 */
async function endWorker(worker: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage({ type: 'close' } satisfies WorkerRequest);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), GRACEFUL_CLOSE_MS);
  });
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') await worker.terminate();
}

/** Messages from a worker to the pool. `Info` describes the model (id, labels, width…). */
export type WorkerReply<Info, Result> =
  | { type: 'ready'; info: Info }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; results: Result[] }
  | { type: 'error'; id: number; message: string };

/** The options a caller gives a model that runs in worker threads. */
export interface WorkerModelOptions {
  /** Absolute path of the module whose export builds the model inside each worker. */
  modulePath: string;
  exportName: string;
  /** Plain data (structured clone) passed to that export. */
  args?: unknown[];
  /** Worker threads; one per core is the most that helps. Default 1. */
  workers?: number;
  /** Texts sent to a worker at once; requests from many conversations share a batch. */
  batchSize?: number;
  /** Texts whose results are remembered (conversations repeat greetings and stock phrases). */
  cacheSize?: number;
}

export interface WorkerPoolOptions<Result> extends WorkerModelOptions {
  /** The worker entry module (TypeScript), which answers `WorkerRequest`s with `WorkerReply`s. */
  entry: URL;
  /** Names for error messages, e.g. `Text classifier`, `Text classifier worker`, `Text classification`. */
  names: { model: string; worker: string; task: string };
  /** Default for `cacheSize`. */
  defaultCacheSize: number;
  /** Makes a result safe to hand to every caller that asks for the same text (e.g. freezes it). */
  share?: (result: Result) => Result;
}

/**
 * Worker threads that run one model each. Texts of all callers are queued and sent in batches
 * to whichever worker is idle; results of repeated texts come from an LRU cache, shared between
 * callers. An aborted call gives up its queued texts; a worker that dies fails its batch with a
 * retryable error, and once none is left (or after `close()`) every pending and later call fails.
 */
export interface WorkerPool<Info, Result> {
  /** What the first worker to load said about its model. */
  readonly info: Info;
  /** One result per text, in the order of `texts`. */
  run(texts: readonly string[], signal?: AbortSignal): Promise<Result[]>;
  /** Terminates the threads; anything still queued or computing fails `provider_unavailable`. */
  close(): Promise<void>;
}

interface Pending<Result> {
  text: string;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

interface Slot<Result> {
  worker: Worker;
  /** The batch this worker is computing; undefined when idle. */
  batch: Pending<Result>[] | undefined;
}

/** Workers do not inherit tsx's loader: register it inside the worker, then load the entry. */
/**
 * Each thread is a V8 isolate with a young generation of its own, by default as large as the main
 * thread's (up to ~48 MB each, mostly garbage between collections, kept resident). A model thread
 * allocates little JavaScript per batch (its tensors live in WASM memory), so 8 MB is plenty:
 * measured with the demo base, ~25–40 MB less resident across the threads, same results
 * (docs/decisions/0031).
 */
export const workerResourceLimits = { maxYoungGenerationSizeMb: 8 } as const;

export function bootstrap(entry: URL): string {
  return `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Starts the workers and resolves once every one has loaded its model. */
export async function startWorkerPool<Info extends { id: string }, Result>(
  options: WorkerPoolOptions<Result>,
): Promise<WorkerPool<Info, Result>> {
  const { names } = options;
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const cacheSize = options.cacheSize ?? options.defaultCacheSize;
  const share = options.share ?? ((result: Result) => result);
  const cache = new Map<string, Result>();
  const queue: Pending<Result>[] = [];
  const slots: Slot<Result>[] = [];
  let nextBatchId = 1;
  /** Set once the pool can no longer answer (closed, or every worker died); later calls fail. */
  let stopped: CuecardError | undefined;
  let info: Info | undefined;

  function cached(text: string): Result | undefined {
    const result = cache.get(text);
    if (result === undefined) return undefined;
    // Least recently used goes first: a hit moves the text to the back.
    cache.delete(text);
    cache.set(text, result);
    return result;
  }

  function remember(text: string, result: Result) {
    if (cacheSize <= 0) return;
    cache.delete(text);
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
    cache.set(text, result);
  }

  function pump() {
    for (const slot of slots) {
      if (slot.batch || queue.length === 0) continue;
      const batch = queue.splice(0, batchSize);
      slot.batch = batch;
      // A busy worker keeps the process alive until it answers; an idle one must not.
      slot.worker.ref();
      const request: WorkerRequest = {
        type: 'run',
        id: nextBatchId++,
        texts: batch.map((pending) => pending.text),
      };
      slot.worker.postMessage(request);
    }
  }

  function finish(slot: Slot<Result>, reply: { results?: Result[]; error?: string }) {
    const batch = slot.batch ?? [];
    slot.batch = undefined;
    slot.worker.unref();
    batch.forEach((pending, index) => {
      const result = reply.results?.[index];
      if (result !== undefined) {
        const shared = share(result);
        remember(pending.text, shared);
        pending.resolve(shared);
      } else {
        pending.reject(
          new CuecardError(
            'provider_unavailable',
            `${names.task} failed: ${reply.error ?? 'no result'}`,
            { retryable: true },
          ),
        );
      }
    });
    pump();
  }

  /** A worker that died after starting: fail its batch, and everything when none is left. */
  function lose(slot: Slot<Result>, why: string) {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    finish(slot, { error: why });
    if (slots.length === 0 && !stopped) {
      stopped = new CuecardError(
        'provider_unavailable',
        `${names.model} "${info?.id ?? options.exportName}" stopped: ${why}`,
      );
      for (const pending of queue.splice(0)) pending.reject(stopped);
    }
  }

  const count = Math.max(1, options.workers ?? 1);
  const started: Worker[] = [];
  const workerData: WorkerModelData = {
    modulePath: options.modulePath,
    exportName: options.exportName,
    args: options.args ?? [],
  };
  const starting = Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(bootstrap(options.entry), {
            eval: true,
            workerData,
            resourceLimits: workerResourceLimits,
          });
          started.push(worker);
          const slot: Slot<Result> = { worker, batch: undefined };
          let ready = false;
          worker.on('message', (reply: WorkerReply<Info, Result>) => {
            switch (reply.type) {
              case 'ready':
                ready = true;
                info ??= reply.info;
                slots.push(slot);
                worker.unref();
                resolve();
                pump();
                return;
              case 'fatal':
                reject(
                  new CuecardError(
                    'provider_unavailable',
                    `${names.worker} failed to load: ${reply.message}`,
                  ),
                );
                return;
              case 'result':
                finish(slot, { results: reply.results });
                return;
              case 'error':
                finish(slot, { error: reply.message });
                return;
            }
          });
          worker.on('error', (error: unknown) => {
            const why = errorMessage(error);
            if (!ready) {
              reject(
                new CuecardError('provider_unavailable', `${names.worker} crashed: ${why}`, {
                  cause: error,
                }),
              );
            } else {
              lose(slot, `worker crashed: ${why}`);
            }
          });
          worker.on('exit', (code) => {
            if (!ready) {
              reject(
                new CuecardError(
                  'provider_unavailable',
                  `${names.worker} exited (code ${code}) before loading`,
                ),
              );
            } else {
              lose(slot, `worker exited (code ${code})`);
            }
          });
        }),
    ),
  );
  try {
    await starting;
  } catch (error) {
    // One worker failing to load means the model is unusable: stop the others too, so that a
    // failed start leaves no thread behind.
    await Promise.all(started.map((worker) => worker.terminate()));
    throw error;
  }
  const ready = info!;

  return {
    info: ready,
    async run(texts, signal) {
      signal?.throwIfAborted();
      if (stopped) throw stopped;
      const mine: Pending<Result>[] = [];
      const all = Promise.all(
        texts.map(
          (text) =>
            cached(text) ??
            new Promise<Result>((resolve, reject) => {
              const pending = { text, resolve, reject };
              mine.push(pending);
              queue.push(pending);
            }),
        ),
      );
      pump();
      if (!signal) return all;
      return new Promise<Result[]>((resolve, reject) => {
        // An aborted call gives up its queued texts; a batch already in a worker runs to its end.
        const onAbort = () => {
          for (const pending of mine) {
            const index = queue.indexOf(pending);
            if (index >= 0) queue.splice(index, 1);
          }
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        all.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    },
    async close() {
      stopped ??= new CuecardError(
        'provider_unavailable',
        `${names.model} "${ready.id}" is closed`,
      );
      const closing = slots.splice(0);
      for (const pending of [...queue.splice(0), ...closing.flatMap((slot) => slot.batch ?? [])]) {
        pending.reject(stopped);
      }
      await Promise.all(closing.map((slot) => endWorker(slot.worker)));
    },
  };
}
