import type { EmbeddingModel } from '../spec/embedding-model.js';
import { startWorkerPool, type WorkerModelOptions } from './worker-pool.js';

export type WorkerEmbeddingOptions = WorkerModelOptions;

/** What a worker says about its model once loaded. */
export type EmbeddingModelInfo = Pick<EmbeddingModel, 'id' | 'dimensions' | 'languages'>;

/**
 * An EmbeddingModel that runs another one in worker threads, batches requests across callers and
 * caches repeated texts (the cached vector is the same object for every caller: do not change
 * it). The service's event loop only queues texts and receives vectors. `close()` terminates the
 * threads; anything still queued fails with `provider_unavailable`.
 */
export async function createWorkerEmbeddingModel(
  options: WorkerEmbeddingOptions,
): Promise<EmbeddingModel & { close(): Promise<void> }> {
  const pool = await startWorkerPool<EmbeddingModelInfo, Float32Array>({
    ...options,
    entry: new URL('./embedding-worker.ts', import.meta.url),
    names: { model: 'Embedding model', worker: 'Embedding worker', task: 'Embedding' },
    defaultCacheSize: 5_000,
  });
  const { id, dimensions, languages } = pool.info;
  return {
    id,
    dimensions,
    languages,
    embed: (texts, embedOptions) => pool.run(texts, embedOptions?.signal),
    close: () => pool.close(),
  };
}
