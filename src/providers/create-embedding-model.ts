import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import type { EmbeddingModel } from './spec/embedding-model.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { createWorkerEmbeddingModel } from './worker/worker-embedding-model.js';
import { createLocalEmbeddingModel } from './worker/local-embeddings.js';
import { startWithLocalModel } from './transformers/local-model-files.js';
import type { TransformersEmbeddingOptions } from './transformers/transformers-embedding-model.js';

export type ClosableEmbeddingModel = EmbeddingModel & { close(): Promise<void> };

export interface EmbeddingModelOptions {
  /** Worker threads for in-process models (local, transformers); one per core helps most. */
  workers?: number;
  /** Texts sent to a worker at once. */
  batchSize?: number;
}

const transformersModule = fileURLToPath(
  new URL('./transformers/transformers-embedding-model.ts', import.meta.url),
);

/**
 * The configured embedding model: the one factory for the server, `npm run kb` and the
 * evaluations, so that all of them embed alike. Models that compute on this machine run in
 * worker threads (inference never blocks the event loop); the OpenAI-compatible one is HTTP and
 * runs in-process. Vendor modules load lazily, so the offline default never imports an SDK it
 * does not use.
 */
export async function createEmbeddingModel(
  config: Pick<Config, 'embeddings' | 'llm'>,
  options: EmbeddingModelOptions = {},
): Promise<ClosableEmbeddingModel> {
  const { embeddings } = config;
  switch (embeddings.provider) {
    case 'local':
      return createLocalEmbeddingModel(options.workers, options.batchSize);
    case 'transformers': {
      const model = embeddings.transformersModel;
      if (!model) {
        throw new CuecardError(
          'validation_failed',
          'CUECARD_EMBEDDINGS=transformers needs CUECARD_TRANSFORMERS_MODEL',
        );
      }
      const modelOptions: TransformersEmbeddingOptions = {
        model,
        modelsDir: embeddings.modelsDir,
        languages: embeddings.transformersLanguages,
        ...(embeddings.modelHubUrl ? { hubUrl: embeddings.modelHubUrl } : {}),
      };
      return startWithLocalModel({
        modelsDir: embeddings.modelsDir,
        modelId: model,
        allowDownload: embeddings.allowModelDownload,
        start: (download) =>
          createWorkerEmbeddingModel({
            modulePath: transformersModule,
            exportName: 'createTransformersEmbeddingModel',
            args: [{ ...modelOptions, allowDownload: download }],
            workers: download ? 1 : options.workers,
            batchSize: options.batchSize,
          }),
      });
    }
    case 'openai': {
      if (!config.llm) {
        throw new CuecardError(
          'validation_failed',
          'CUECARD_EMBEDDINGS=openai needs OPENAI_BASE_URL',
        );
      }
      const { createOpenAiEmbeddingModel } = await import('./openai/openai-embedding-model.js');
      const model = createOpenAiEmbeddingModel({
        baseUrl: config.llm.baseUrl,
        apiKey: config.llm.apiKey,
      });
      // Nothing to stop: the HTTP client holds no thread.
      return { ...model, close: async () => {} };
    }
  }
}
