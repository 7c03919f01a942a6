import { Worker } from 'node:worker_threads';
import type { EmbeddingModel } from '../spec/embedding-model.js';
import { CuecardError } from '../../errors/cuecard-error.js';

export interface WorkerEmbeddingOptions {
  /** Absolute path of the module whose export builds the model inside each worker. */
  modulePath: string;
  exportName: string;
  args?: unknown[];
  /** Worker threads; one per core is the most that helps. */
  workers?: number;
  /** Texts sent to a worker at once; requests from many conversations share a batch. */
  batchSize?: number;
  /** Texts whose vectors are remembered (conversations repeat greetings and stock phrases). */
  cacheSize?: number;
}

interface Pending {
  text: string;
  resolve: (vector: Float32Array) => void;
  reject: (error: unknown) => void;
}

const workerUrl = new URL('./embedding-worker.ts', import.meta.url).href;
// Workers do not inherit tsx's loader: register it inside the worker, then load the TypeScript entry.
const workerBootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); })`;

/**
 * An EmbeddingModel that runs another one in worker threads, batches requests across callers and
 * caches repeated texts. The service's event loop only queues texts and receives vectors.
 */
export async function createWorkerEmbeddingModel(
  options: WorkerEmbeddingOptions,
): Promise<EmbeddingModel & { close(): Promise<void> }> {
  const batchSize = options.batchSize ?? 32;
  const cacheSize = options.cacheSize ?? 5_000;
  const cache = new Map<string, Float32Array>();
  const queue: Pending[] = [];
  const inFlight = new Map<number, Pending[]>();
  let nextId = 1;

  type Slot = { worker: Worker; busy: boolean };
  const slots: Slot[] = [];
  let info: { id: string; dimensions: number; languages: readonly string[] | 'any' } | undefined;

  function remember(text: string, vector: Float32Array) {
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
    cache.set(text, vector);
  }

  function pump() {
    for (const slot of slots) {
      if (slot.busy || queue.length === 0) continue;
      const batch = queue.splice(0, batchSize);
      const id = nextId++;
      inFlight.set(id, batch);
      slot.busy = true;
      slot.worker.ref();
      slot.worker.postMessage({ id, texts: batch.map((pending) => pending.text) });
    }
  }

  const count = Math.max(1, options.workers ?? 1);
  const started: Worker[] = [];
  const starting = Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(workerBootstrap, {
            eval: true,
            workerData: {
              modulePath: options.modulePath,
              exportName: options.exportName,
              args: options.args ?? [],
            },
          });
          started.push(worker);
          const slot: Slot = { worker, busy: false };
          worker.on(
            'message',
            (message: {
              type: string;
              id?: number;
              vectors?: Float32Array[];
              message?: string;
              dimensions?: number;
              languages?: readonly string[] | 'any';
            }) => {
              switch (message.type) {
                case 'ready':
                  info ??= {
                    id: String(message.id),
                    dimensions: message.dimensions ?? 0,
                    languages: message.languages ?? 'any',
                  };
                  slots.push(slot);
                  // Idle workers must not keep the process alive; busy ones do (ref in pump()).
                  worker.unref();
                  resolve();
                  pump();
                  return;
                case 'fatal':
                  reject(
                    new CuecardError(
                      'provider_unavailable',
                      `Embedding worker failed to load: ${message.message}`,
                    ),
                  );
                  return;
                case 'result':
                case 'error': {
                  const batch = inFlight.get(message.id!) ?? [];
                  inFlight.delete(message.id!);
                  slot.busy = false;
                  slot.worker.unref();
                  batch.forEach((pending, index) => {
                    const vector = message.vectors?.[index];
                    if (message.type === 'result' && vector) {
                      remember(pending.text, vector);
                      pending.resolve(vector);
                    } else {
                      pending.reject(
                        new CuecardError(
                          'provider_unavailable',
                          `Embedding failed: ${message.message ?? 'no vector'}`,
                          { retryable: true },
                        ),
                      );
                    }
                  });
                  pump();
                  return;
                }
              }
            },
          );
          worker.on('error', (error) =>
            reject(
              new CuecardError('provider_unavailable', 'Embedding worker crashed', {
                cause: error,
              }),
            ),
          );
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
    dimensions: info!.dimensions,
    languages: info!.languages,
    async embed(texts, embedOptions) {
      embedOptions?.signal?.throwIfAborted();
      return Promise.all(
        texts.map((text) => {
          const cached = cache.get(text);
          if (cached) return cached;
          return new Promise<Float32Array>((resolve, reject) => {
            queue.push({ text, resolve, reject });
            pump();
          });
        }),
      );
    },
    async close() {
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
