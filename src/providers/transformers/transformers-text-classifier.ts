import path from 'node:path';
import {
  env,
  LogLevel,
  pipeline,
  type TextClassificationPipeline,
} from '@huggingface/transformers';
import type { TextClassification, TextClassifier } from '../spec/text-classifier.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { assertLocalModelFiles } from './local-model-files.js';

/** Plain data only: the options cross into worker threads (structured clone). */
export interface TransformersTextClassifierOptions {
  /**
   * Hub model id of a sequence-classification model exported to ONNX, e.g.
   * `Xenova/distilbert-base-uncased-finetuned-sst-2-english`; also its folder under `modelsDir`.
   */
  model: string;
  modelsDir: string;
  /** Fetch a missing model from the Hugging Face Hub into `modelsDir`. Off: offline only. */
  allowDownload?: boolean;
  /** Where to download from: the Hugging Face Hub, or a mirror of it. */
  hubUrl?: string;
  /** Texts per inference call; a batch is padded to its longest text. */
  batchSize?: number;
  /**
   * ONNX Runtime threads per model. Default 1: parallelism comes from worker threads, and more
   * threads per worker would only fight over the same cores.
   */
  threads?: number;
}

/**
 * A text classifier run by transformers.js (ONNX Runtime, CPU): the `text-classification`
 * pipeline with every label scored (softmax over the logits, or a sigmoid per label when the
 * model's config says `multi_label_classification`). Labels are the model's `id2label`. Offline
 * by default: files come from `<modelsDir>/<model>/` and nothing is fetched unless allowed.
 *
 * In-process: the service runs it in a worker thread (`createTextClassifier`), so that inference
 * never blocks the event loop.
 */
export async function createTransformersTextClassifier(
  options: TransformersTextClassifierOptions,
): Promise<TextClassifier> {
  const batchSize = Math.max(1, options.batchSize ?? 16);
  const modelsDir = path.resolve(options.modelsDir);
  const modelDir = path.join(modelsDir, options.model);
  const allowDownload = options.allowDownload ?? false;
  if (!allowDownload) await assertLocalModelFiles(modelsDir, options.model);

  // `env` is per module instance, i.e. per worker thread: the same settings as the embedding
  // model, so that both read (and download into) the same models folder.
  env.allowLocalModels = true;
  env.localModelPath = modelsDir;
  env.allowRemoteModels = allowDownload;
  // Downloads are cached as `<modelsDir>/<model>/<file>`, the layout read offline afterwards.
  env.cacheDir = modelsDir;
  if (options.hubUrl)
    env.remoteHost = options.hubUrl.endsWith('/') ? options.hubUrl : `${options.hubUrl}/`;
  env.logLevel = LogLevel.ERROR;

  let classifier: TextClassificationPipeline;
  try {
    classifier = await pipeline('text-classification', options.model, {
      dtype: 'fp32',
      device: 'cpu',
      session_options: { intraOpNumThreads: Math.max(1, options.threads ?? 1) },
    });
  } catch (error) {
    throw new CuecardError(
      'provider_unavailable',
      `Could not load transformers model "${options.model}" from ${modelDir}` +
        (allowDownload ? ' or the Hugging Face Hub' : '') +
        `: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, details: { modelId: options.model, path: modelDir } },
    );
  }

  async function run(texts: readonly string[]): Promise<TextClassification[]> {
    // top_k null: every label, best first (the caller may want the runner-up, e.g. "neutral").
    const output = await classifier([...texts], { top_k: null });
    if (output.length !== texts.length) {
      throw new CuecardError(
        'provider_reply_invalid',
        `Transformers model "${options.model}" gave ${output.length} results for ${texts.length} texts`,
      );
    }
    return output.map((scores) => scores.map(({ label, score }) => ({ label, score })));
  }

  // One probe tells the number of labels (the width of `logits`) and warms the session up. A
  // model without `logits` (e.g. a feature-extraction export) fails here, at start.
  let width: number;
  try {
    const [probe] = await run(['label probe']);
    width = probe?.length ?? 0;
  } catch (error) {
    await classifier.dispose();
    throw new CuecardError(
      'provider_unavailable',
      `Transformers model "${options.model}" in ${modelDir} did not classify a test text: is it ` +
        `a text-classification (sequence-classification) model? (` +
        `${error instanceof Error ? error.message : String(error)})`,
      { cause: error, details: { modelId: options.model, path: modelDir } },
    );
  }
  const { id2label } = classifier.model.config as { id2label?: Record<string, string> };
  const labels = Array.from({ length: width }, (_, id) => id2label?.[id] ?? `LABEL_${id}`);

  let closed = false;
  return {
    id: `transformers/${options.model}`,
    labels,
    async classify(texts, classifyOptions) {
      const results: TextClassification[] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        if (closed) {
          throw new CuecardError(
            'provider_unavailable',
            `Text classifier "${options.model}" is closed`,
          );
        }
        classifyOptions?.signal?.throwIfAborted();
        results.push(...(await run(texts.slice(start, start + batchSize))));
      }
      return results;
    },
    async close() {
      if (closed) return;
      closed = true;
      await classifier.dispose();
    },
  };
}
