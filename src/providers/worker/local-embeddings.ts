import { fileURLToPath } from 'node:url';
import type { EmbeddingModel } from '../spec/embedding-model.js';
import { createWorkerEmbeddingModel } from './worker-embedding-model.js';

const useModule = fileURLToPath(new URL('../local/use-embedding-model.ts', import.meta.url));

/**
 * The offline sentence encoder (Universal Sentence Encoder, in the npm package) run in worker
 * threads: inference never blocks the event loop, and requests of all conversations share batches.
 */
export function createLocalEmbeddingModel(
  workers = 1,
  batchSize?: number,
): Promise<EmbeddingModel & { close(): Promise<void> }> {
  return createWorkerEmbeddingModel({
    modulePath: useModule,
    exportName: 'createUseEmbeddingModel',
    workers,
    ...(batchSize === undefined ? {} : { batchSize }),
  });
}
