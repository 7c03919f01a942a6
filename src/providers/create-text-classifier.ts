import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import type { TextClassifier } from './spec/text-classifier.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { createWorkerTextClassifier } from './worker/worker-text-classifier.js';
import { startWithLocalModel } from './transformers/local-model-files.js';
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

  return startWithLocalModel({
    modelsDir,
    modelId: model,
    allowDownload: allowModelDownload,
    start: (download) => {
      const modelOptions: TransformersTextClassifierOptions = {
        model,
        modelsDir,
        allowDownload: download,
        hubUrl: modelHubUrl,
        batchSize: options.batchSize,
      };
      return createWorkerTextClassifier({
        modulePath: transformersModule,
        exportName: 'createTransformersTextClassifier',
        args: [modelOptions],
        workers: download ? 1 : options.workers,
        batchSize: options.batchSize,
        cacheSize: options.cacheSize,
      });
    },
    // Say which setting named the model, and the way back to the offline default.
    explain: (error) =>
      new CuecardError(
        'provider_unavailable',
        `CUECARD_SENTIMENT_MODEL: ${error instanceof Error ? error.message : String(error)} ` +
          'Or unset CUECARD_SENTIMENT_MODEL to use the offline sentiment model.',
        {
          cause: error,
          ...(CuecardError.isInstance(error) && error.details ? { details: error.details } : {}),
        },
      ),
  });
}
