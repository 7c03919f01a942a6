import type { TextClassification, TextClassifier } from '../spec/text-classifier.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import {
  loadTransformersPipeline,
  runInBatches,
  type TransformersModelOptions,
} from './transformers-pipeline.js';

/** Plain data only: the options cross into worker threads (structured clone). */
export interface TransformersTextClassifierOptions extends TransformersModelOptions {
  /**
   * Hub model id of a sequence-classification model exported to ONNX, e.g.
   * `Xenova/distilbert-base-uncased-finetuned-sst-2-english`; also its folder under `modelsDir`.
   */
  model: string;
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
  const { pipe: classifier, modelDir } = await loadTransformersPipeline(
    'text-classification',
    options,
  );

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
    classify: (texts, classifyOptions) =>
      runInBatches(
        texts,
        options.batchSize,
        () => {
          if (closed) {
            throw new CuecardError(
              'provider_unavailable',
              `Text classifier "${options.model}" is closed`,
            );
          }
          classifyOptions?.signal?.throwIfAborted();
        },
        run,
      ),
    async close() {
      if (closed) return;
      closed = true;
      await classifier.dispose();
    },
  };
}
