import type { TextClassification, TextClassifier } from '../spec/text-classifier.js';
import { startWorkerPool, type WorkerModelOptions } from './worker-pool.js';

export type WorkerTextClassifierOptions = WorkerModelOptions;

/** What a worker says about its model once loaded. */
export type TextClassifierInfo = Pick<TextClassifier, 'id' | 'labels'>;

/**
 * A TextClassifier that runs another one in worker threads, batches texts across callers and
 * caches repeated texts. The service's event loop only queues texts and receives scores.
 * `close()` terminates the threads; anything still queued fails with `provider_unavailable`.
 */
export async function createWorkerTextClassifier(
  options: WorkerTextClassifierOptions,
): Promise<TextClassifier> {
  const pool = await startWorkerPool<TextClassifierInfo, TextClassification>({
    ...options,
    entry: new URL('./text-classifier-worker.ts', import.meta.url),
    names: {
      model: 'Text classifier',
      worker: 'Text classifier worker',
      task: 'Text classification',
    },
    defaultCacheSize: 2_000,
    // Frozen: cached results are shared by every caller that asks for the same text.
    share: (result) => Object.freeze(result.map((entry) => Object.freeze({ ...entry }))),
  });
  return {
    id: pool.info.id,
    labels: Object.freeze([...pool.info.labels]),
    classify: (texts, classifyOptions) => pool.run(texts, classifyOptions?.signal),
    close: () => pool.close(),
  };
}
