import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import type { TextClassifier } from './spec/text-classifier.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { createWorkerTextClassifier } from './worker/worker-text-classifier.js';
import { assertLocalModelFiles } from './transformers/local-model-files.js';
import type { TransformersTextClassifierOptions } from './transformers/transformers-text-classifier.js';

export interface TextClassifierOptions {
  /** Worker threads running the model. Default 1: sentiment is one short turn at a time. */
  workers?: number;
  /** Texts sent to a worker at once; turns of many conversations share a batch. */
  batchSize?: number;
  /** Texts whose results are remembered. */
  cacheSize?: number;
}

const transformersModule = fileURLToPath(
  new URL('./transformers/transformers-text-classifier.ts', import.meta.url),
);

/**
 * The configured sentiment classifier: a transformers.js text-classification model from
 * `CUECARD_SENTIMENT_MODEL`, run in worker threads (inference never blocks the event loop), or
 * `undefined` when none is configured and the offline sentiment model applies. Reads the same
 * models folder and download settings as the transformers embedding model. A missing model fails
 * here, at start, with the folder it looked in and how to fix it.
 */
export async function createTextClassifier(
  config: Pick<Config, 'sentimentModel' | 'embeddings'>,
  options: TextClassifierOptions = {},
): Promise<TextClassifier | undefined> {
  const model = config.sentimentModel;
  if (!model) return undefined;
  const { modelsDir, allowModelDownload, modelHubUrl } = config.embeddings;

  const pool = (workers: number | undefined, allowDownload: boolean) => {
    const modelOptions: TransformersTextClassifierOptions = {
      model,
      modelsDir,
      allowDownload,
      ...(modelHubUrl ? { hubUrl: modelHubUrl } : {}),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    };
    return createWorkerTextClassifier({
      modulePath: transformersModule,
      exportName: 'createTransformersTextClassifier',
      args: [modelOptions],
      ...(workers === undefined ? {} : { workers }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
    });
  };

  // Checked here as well as in each worker: one clear error before any thread starts.
  const present = await assertLocalModelFiles(modelsDir, model).then(
    () => true,
    (error: unknown) => {
      if (!allowModelDownload) {
        // Say which setting named the model, and the way back to the offline default.
        throw new CuecardError(
          'provider_unavailable',
          `CUECARD_SENTIMENT_MODEL: ${error instanceof Error ? error.message : String(error)} ` +
            'Or unset CUECARD_SENTIMENT_MODEL to use the offline sentiment model.',
          {
            cause: error,
            ...(CuecardError.isInstance(error) && error.details ? { details: error.details } : {}),
          },
        );
      }
      return false;
    },
  );
  if (!present) {
    // One thread downloads, so that several do not write the same files at once; then all of
    // them load the copy in the models folder.
    await (await pool(1, true)).close();
  }
  return pool(options.workers, false);
}
