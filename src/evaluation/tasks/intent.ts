import { CuecardError } from '../../errors/cuecard-error.js';
import { createLocalEmbeddingModel } from '../../providers/worker/local-embeddings.js';
import {
  trainIntentClassifier,
  type IntentExample,
} from '../../understanding/intent/intent-classifier.js';
import { dataError, readJsonl, requireId, requireString, writeJsonl, type Row } from '../io.js';
import type { EvalTask } from '../task.js';

interface IntentRow {
  id: string;
  text: string;
  /** `null` for rows marked `in_scope: false`. */
  intent: string | null;
}

/** Rows `{id, text, intent, in_scope?}`; an out-of-scope row's intent may be anything or absent. */
export function parseIntentRow(file: string, row: Row): IntentRow {
  const id = requireId(file, row);
  const text = requireString(file, row, 'text');
  const flag = row.value['in_scope'];
  if (flag !== undefined && typeof flag !== 'boolean')
    throw dataError(file, row.line, 'in_scope', 'must be true or false');
  if (flag === false) return { id, text, intent: null };
  return { id, text, intent: requireString(file, row, 'intent') };
}

export interface IntentScores {
  n: number;
  accuracy: number;
  in_scope_accuracy?: number;
  oos_recall?: number;
}

/** Accuracy counts an out-of-scope row as right when the prediction is `null`. */
export function scoreIntents(
  gold: readonly (string | null)[],
  predicted: readonly (string | null)[],
): IntentScores {
  let correct = 0;
  let inScope = 0;
  let inScopeCorrect = 0;
  let outOfScope = 0;
  let outOfScopeCaught = 0;
  gold.forEach((label, i) => {
    const guess = predicted[i] ?? null;
    if (guess === label) correct++;
    if (label === null) {
      outOfScope++;
      if (guess === null) outOfScopeCaught++;
    } else {
      inScope++;
      if (guess === label) inScopeCorrect++;
    }
  });
  const scores: IntentScores = {
    n: gold.length,
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
  };
  if (outOfScope > 0) {
    scores.in_scope_accuracy = inScope === 0 ? 0 : inScopeCorrect / inScope;
    scores.oos_recall = outOfScopeCaught / outOfScope;
  }
  return scores;
}

export const task: EvalTask = {
  name: 'intent',
  description: 'Intent detection trained from --train examples, with out-of-scope (null) answers',
  async run(args, reporter) {
    if (!args.train) {
      throw new CuecardError(
        'validation_failed',
        'The intent task needs --train FILE: the taxonomy examples to learn from.',
      );
    }
    const trainFile = args.train;
    const train = (await readJsonl(trainFile)).map((row) => parseIntentRow(trainFile, row));
    const test = (await readJsonl(args.test)).map((row) => parseIntentRow(args.test, row));
    reporter.progress(`${train.length} training rows, ${test.length} test rows`);
    const examples: IntentExample[] = train.map((row) =>
      row.intent === null
        ? { text: row.text, intent: '', inScope: false }
        : { text: row.text, intent: row.intent },
    );
    const started = Date.now();
    const classifier = await trainIntentClassifier(examples, {
      // Both cores embed while the main thread trains and predicts.
      embeddingModel: await createLocalEmbeddingModel(2),
      onProgress: (message) => reporter.progress(message),
    });
    reporter.progress(
      `trained in ${((Date.now() - started) / 1000).toFixed(1)} s; out-of-scope threshold ${classifier.threshold}`,
    );
    const out = writeJsonl(args.out);
    const predicted: (string | null)[] = [];
    const batch = 256;
    for (let start = 0; start < test.length; start += batch) {
      const rows = test.slice(start, start + batch);
      const predictions = await classifier.predictMany(rows.map((row) => row.text));
      rows.forEach((row, i) => {
        const prediction = predictions[i]!;
        predicted.push(prediction.intent);
        out.write({
          id: row.id,
          intent: prediction.intent,
          confidence: Number(prediction.confidence.toFixed(4)),
        });
      });
      reporter.progress(`predicted ${Math.min(start + batch, test.length)}/${test.length}`);
    }
    await out.close();
    return {
      ...scoreIntents(
        test.map((row) => row.intent),
        predicted,
      ),
    };
  },
};
