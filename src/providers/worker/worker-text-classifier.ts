import { Worker } from 'node:worker_threads';
import type { TextClassification, TextClassifier } from '../spec/text-classifier.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import type {
  TextClassifierWorkerData,
  TextClassifierWorkerReply,
  TextClassifierWorkerRequest,
} from './text-classifier-worker.js';

export interface WorkerTextClassifierOptions {
  /** Absolute path of the module whose export builds the classifier inside each worker. */
  modulePath: string;
  exportName: string;
  /** Plain data (structured clone) passed to that export. */
  args?: unknown[];
  /** Worker threads; one per core is the most that helps. Default 1. */
  workers?: number;
  /** Texts sent to a worker at once; requests from many conversations share a batch. */
  batchSize?: number;
  /** Texts whose results are remembered (conversations repeat "ok", "thanks", stock phrases). */
  cacheSize?: number;
}

interface Pending {
  text: string;
  resolve: (result: TextClassification) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  /** The batch this worker is computing; undefined when idle. */
  batch: Pending[] | undefined;
}

const workerUrl = new URL('./text-classifier-worker.ts', import.meta.url).href;
// Workers do not inherit tsx's loader: register it inside the worker, then load the TypeScript entry.
const workerBootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); })`;

/**
 * A TextClassifier that runs another one in worker threads, batches texts across callers and
 * caches repeated texts. The service's event loop only queues texts and receives scores.
 * `close()` terminates the threads; anything still queued fails with `provider_unavailable`.
 */
export async function createWorkerTextClassifier(
  options: WorkerTextClassifierOptions,
): Promise<TextClassifier> {
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const cacheSize = options.cacheSize ?? 2_000;
  const cache = new Map<string, TextClassification>();
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextBatchId = 1;
  /** Set once the pool can no longer answer (closed, or every worker died); later calls fail. */
  let stopped: CuecardError | undefined;
  let info: { id: string; labels: readonly string[] } | undefined;

  function remember(text: string, result: TextClassification) {
    if (cacheSize <= 0) return;
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
      const request: TextClassifierWorkerRequest = {
        type: 'classify',
        id: nextBatchId++,
        texts: batch.map((pending) => pending.text),
      };
      slot.worker.postMessage(request);
    }
  }

  function finish(slot: Slot, reply: { results?: TextClassification[]; error?: string }) {
    const batch = slot.batch ?? [];
    slot.batch = undefined;
    slot.worker.unref();
    batch.forEach((pending, index) => {
      const result = reply.results?.[index];
      if (result) {
        // Frozen: cached results are shared by every caller that asks for the same text.
        const frozen = Object.freeze(result.map((entry) => Object.freeze({ ...entry })));
        remember(pending.text, frozen);
        pending.resolve(frozen);
      } else {
        pending.reject(
          new CuecardError(
            'provider_unavailable',
            `Text classification failed: ${reply.error ?? 'no result'}`,
            { retryable: true },
          ),
        );
      }
    });
    pump();
  }

  /** A worker that died after starting: fail its batch, and everything when none is left. */
  function lose(slot: Slot, why: string) {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    finish(slot, { error: why });
    if (slots.length === 0 && !stopped) {
      stopped = new CuecardError(
        'provider_unavailable',
        `Text classifier "${info?.id ?? options.exportName}" stopped: ${why}`,
      );
      for (const pending of queue.splice(0)) pending.reject(stopped);
    }
  }

  const count = Math.max(1, options.workers ?? 1);
  const started: Worker[] = [];
  const workerData: TextClassifierWorkerData = {
    modulePath: options.modulePath,
    exportName: options.exportName,
    args: options.args ?? [],
  };
  const starting = Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(workerBootstrap, { eval: true, workerData });
          started.push(worker);
          const slot: Slot = { worker, batch: undefined };
          let ready = false;
          worker.on('message', (reply: TextClassifierWorkerReply) => {
            switch (reply.type) {
              case 'ready':
                ready = true;
                info ??= { id: reply.id, labels: Object.freeze([...reply.labels]) };
                slots.push(slot);
                worker.unref();
                resolve();
                pump();
                return;
              case 'fatal':
                reject(
                  new CuecardError(
                    'provider_unavailable',
                    `Text classifier worker failed to load: ${reply.message}`,
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
            const why = error instanceof Error ? error.message : String(error);
            if (!ready) {
              reject(
                new CuecardError('provider_unavailable', `Text classifier worker crashed: ${why}`, {
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
                  `Text classifier worker exited (code ${code}) before loading`,
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

  return {
    id: info!.id,
    labels: info!.labels,
    async classify(texts, classifyOptions) {
      const signal = classifyOptions?.signal;
      signal?.throwIfAborted();
      if (stopped) throw stopped;
      const mine: Pending[] = [];
      const all = Promise.all(
        texts.map(
          (text) =>
            cache.get(text) ??
            new Promise<TextClassification>((resolve, reject) => {
              const pending = { text, resolve, reject };
              mine.push(pending);
              queue.push(pending);
            }),
        ),
      );
      pump();
      if (!signal) return all;
      return new Promise<TextClassification[]>((resolve, reject) => {
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
      if (!stopped) {
        stopped = new CuecardError(
          'provider_unavailable',
          `Text classifier "${info!.id}" is closed`,
        );
      }
      const closing = slots.splice(0);
      for (const pending of [...queue.splice(0), ...closing.flatMap((slot) => slot.batch ?? [])]) {
        pending.reject(stopped);
      }
      await Promise.all(closing.map((slot) => slot.worker.terminate()));
    },
  };
}
