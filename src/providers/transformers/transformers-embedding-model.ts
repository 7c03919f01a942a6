import path from 'node:path';
import { env, LogLevel, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import type { EmbeddingModel } from '../spec/embedding-model.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { assertLocalModelFiles } from './local-model-files.js';

/** Plain data only: the options cross into worker threads (structured clone). */
export interface TransformersEmbeddingOptions {
  /** Hub model id, e.g. `Xenova/all-MiniLM-L6-v2`; also its folder under `modelsDir`. */
  model: string;
  modelsDir: string;
  /** Fetch a missing model from the Hugging Face Hub into `modelsDir`. Off: offline only. */
  allowDownload?: boolean;
  /** Where to download from: the Hugging Face Hub, or a mirror of it. */
  hubUrl?: string;
  /** Languages the model is good at; default English. */
  languages?: readonly string[] | 'any';
  /** Texts per inference call; a batch is padded to its longest text. */
  batchSize?: number;
  /**
   * ONNX Runtime threads per model. Default 1: parallelism comes from one worker thread per core,
   * and more threads per worker would only fight over the same cores.
   */
  threads?: number;
}

/**
 * A sentence-embedding model run by transformers.js (ONNX Runtime, CPU): feature extraction,
 * mean pooling over the attention mask, L2 normalisation (so cosine = dot product). Offline by
 * default: files come from `<modelsDir>/<model>/` and nothing is fetched unless allowed.
 */
export async function createTransformersEmbeddingModel(
  options: TransformersEmbeddingOptions,
): Promise<EmbeddingModel> {
  const batchSize = Math.max(1, options.batchSize ?? 16);
  const modelsDir = path.resolve(options.modelsDir);
  const allowDownload = options.allowDownload ?? false;
  if (!allowDownload) await assertLocalModelFiles(modelsDir, options.model);

  // `env` is per module instance, i.e. per worker thread: each worker sets the same values.
  env.allowLocalModels = true;
  env.localModelPath = modelsDir;
  env.allowRemoteModels = allowDownload;
  // Downloads are cached as `<modelsDir>/<model>/<file>`, the layout read offline afterwards.
  env.cacheDir = modelsDir;
  if (options.hubUrl)
    env.remoteHost = options.hubUrl.endsWith('/') ? options.hubUrl : `${options.hubUrl}/`;
  env.logLevel = LogLevel.ERROR;

  let extractor: FeatureExtractionPipeline;
  try {
    extractor = await pipeline('feature-extraction', options.model, {
      dtype: 'fp32',
      device: 'cpu',
      session_options: { intraOpNumThreads: Math.max(1, options.threads ?? 1) },
    });
  } catch (error) {
    throw new CuecardError(
      'provider_unavailable',
      `Could not load transformers model "${options.model}" from ${path.join(modelsDir, options.model)}` +
        (allowDownload ? ' or the Hugging Face Hub' : '') +
        `: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, details: { modelId: options.model, path: modelsDir } },
    );
  }

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
    async embed(texts, embedOptions) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        embedOptions?.signal?.throwIfAborted();
        vectors.push(...(await run(texts.slice(start, start + batchSize))));
      }
      return vectors;
    },
  };
}
