import path from 'node:path';
import {
  env,
  LogLevel,
  pipeline,
  type AllTasks,
  type PipelineType,
} from '@huggingface/transformers';
import { CuecardError } from '../../errors/cuecard-error.js';
import { assertLocalModelFiles } from './local-model-files.js';

/** Plain data only: the options cross into worker threads (structured clone). */
export interface TransformersModelOptions {
  /** Hub model id; also its folder under `modelsDir`. */
  model: string;
  modelsDir: string;
  /** Fetch a missing model from the Hugging Face Hub into `modelsDir`. Off: offline only. */
  allowDownload?: boolean;
  /** Where to download from: the Hugging Face Hub, or a mirror of it. */
  hubUrl?: string;
  /** Texts per inference call; a batch is padded to its longest text. Default 16. */
  batchSize?: number;
  /**
   * ONNX Runtime threads per model. Default 1: parallelism comes from one worker thread per core,
   * and more threads per worker would only fight over the same cores.
   */
  threads?: number;
}

/**
 * Loads a transformers.js pipeline (ONNX Runtime, CPU, fp32) for `task`. Offline by default:
 * files come from `<modelsDir>/<model>/` (checked first, for an error that says how to fix it)
 * and nothing is fetched unless `allowDownload`; a download lands in that same folder, the layout
 * read offline afterwards.
 */
export async function loadTransformersPipeline<T extends PipelineType>(
  task: T,
  options: TransformersModelOptions,
): Promise<{ pipe: AllTasks[T]; modelDir: string }> {
  const modelsDir = path.resolve(options.modelsDir);
  const modelDir = path.join(modelsDir, options.model);
  const allowDownload = options.allowDownload ?? false;
  if (!allowDownload) await assertLocalModelFiles(modelsDir, options.model);

  // `env` is per module instance, i.e. per worker thread: every model sets the same values, so
  // that all of them read (and download into) the same models folder.
  env.allowLocalModels = true;
  env.localModelPath = modelsDir;
  env.allowRemoteModels = allowDownload;
  // Downloads are cached as `<modelsDir>/<model>/<file>`, the layout read offline afterwards.
  env.cacheDir = modelsDir;
  if (options.hubUrl)
    env.remoteHost = options.hubUrl.endsWith('/') ? options.hubUrl : `${options.hubUrl}/`;
  env.logLevel = LogLevel.ERROR;

  try {
    const pipe = await pipeline(task, options.model, {
      dtype: 'fp32',
      device: 'cpu',
      session_options: { intraOpNumThreads: Math.max(1, options.threads ?? 1) },
    });
    return { pipe, modelDir };
  } catch (error) {
    throw new CuecardError(
      'provider_unavailable',
      `Could not load transformers model "${options.model}" from ${modelDir}` +
        (allowDownload ? ' or the Hugging Face Hub' : '') +
        `: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, details: { modelId: options.model, path: modelDir } },
    );
  }
}

/** `texts` through `run`, `batchSize` (default 16) at a time; `check` goes before each batch. */
export async function runInBatches<Result>(
  texts: readonly string[],
  batchSize: number | undefined,
  check: () => void,
  run: (batch: readonly string[]) => Promise<Result[]>,
): Promise<Result[]> {
  const size = Math.max(1, batchSize ?? 16);
  const results: Result[] = [];
  for (let start = 0; start < texts.length; start += size) {
    check();
    results.push(...(await run(texts.slice(start, start + size))));
  }
  return results;
}
