import type { EmbeddingModel } from '../spec/embedding-model.js';
import { serveModel } from './serve-model.js';
import type { EmbeddingModelInfo } from './worker-embedding-model.js';

/** Worker entry of `createWorkerEmbeddingModel`: runs one EmbeddingModel in this thread. */
serveModel<EmbeddingModel, EmbeddingModelInfo, Float32Array>({
  describe: ({ id, dimensions, languages }) => ({ id, dimensions, languages }),
  run: (model, texts) => model.embed(texts),
  // Transfer the buffers instead of copying them.
  transfer: (vectors) => vectors.map((vector) => vector.buffer as ArrayBuffer),
});
