import type { EmbeddingModel } from '../spec/embedding-model.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import {
  loadTransformersPipeline,
  runInBatches,
  type TransformersModelOptions,
} from './transformers-pipeline.js';

/** Plain data only: the options cross into worker threads (structured clone). */
export interface TransformersEmbeddingOptions extends TransformersModelOptions {
  /** Hub model id, e.g. `Xenova/all-MiniLM-L6-v2`; also its folder under `modelsDir`. */
  model: string;
  /** Languages the model is good at; default English. */
  languages?: readonly string[] | 'any';
}

/**
 * A sentence-embedding model run by transformers.js (ONNX Runtime, CPU): feature extraction,
 * mean pooling over the attention mask, L2 normalisation (so cosine = dot product). Offline by
 * default: files come from `<modelsDir>/<model>/` and nothing is fetched unless allowed.
 */
export async function createTransformersEmbeddingModel(
  options: TransformersEmbeddingOptions,
): Promise<EmbeddingModel> {
  const { pipe: extractor } = await loadTransformersPipeline('feature-extraction', options);

  async function run(texts: readonly string[]): Promise<Float32Array[]> {
    // A text with no token would be a mean over nothing (NaN); blank texts mean nothing anyway.
    const inputs = texts.map((text) => (text.trim() === '' ? '.' : text));
    const output = await extractor(inputs, { pooling: 'mean', normalize: true });
    const [rows, width] = output.dims;
    if (rows !== inputs.length || !width || !(output.data instanceof Float32Array)) {
      throw new CuecardError(
        'provider_unavailable',
        `Transformers model "${options.model}" gave ${output.type} [${output.dims.join(', ')}], ` +
          `expected float32 [${inputs.length}, dimensions]: is it a feature-extraction model?`,
      );
    }
    const data = output.data;
    // slice(), not subarray(): each vector owns its buffer, so that a worker can transfer it.
    return inputs.map((_, row) => data.slice(row * width, (row + 1) * width));
  }

  // One probe tells the width (configs name it differently) and warms the session up.
  const [probe] = await run(['dimension probe']);
  return {
    id: `transformers/${options.model}`,
    dimensions: probe!.length,
    languages: options.languages ?? ['en'],
    embed: (texts, embedOptions) =>
      runInBatches(texts, options.batchSize, () => embedOptions?.signal?.throwIfAborted(), run),
  };
}
