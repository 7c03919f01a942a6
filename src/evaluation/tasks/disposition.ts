import { CuecardError } from '../../errors/cuecard-error.js';
import { DispositionClassifier } from '../../wrap-up/disposition/disposition-classifier.js';
import { dataError, readJsonl, requireId, requireString, writeJsonl, type Row } from '../io.js';
import { classificationMetrics } from '../metrics.js';
import type { EvalTask } from '../task.js';

/** A row's conversation text: `text`, or its `turns` joined in order. */
export function conversationText(file: string, row: Row): string {
  if (typeof row.value.text === 'string') return row.value.text;
  const turns = row.value.turns;
  if (Array.isArray(turns)) {
    return turns
      .map((turn: unknown, index) => {
        const value = turn as { text?: unknown } | null;
        if (typeof value?.text !== 'string')
          throw dataError(file, row.line, `turns[${index}].text`, 'must be a string');
        return value.text;
      })
      .join('\n');
  }
  throw dataError(file, row.line, 'text', 'is missing (give "text" or "turns")');
}

export const task: EvalTask = {
  name: 'disposition',
  description:
    'Wrap-up code suggestion: TF-IDF over words and the opening words, multinomial logistic regression trained from --train',
  async run(args, reporter) {
    if (!args.train)
      throw new CuecardError(
        'validation_failed',
        'disposition needs --train FILE with labelled conversations',
      );
    const trainRows = await readJsonl(args.train);
    // As a tenant would: the code set is the labels they use, learned from their conversations.
    const classifier = new DispositionClassifier(undefined);
    classifier.add(
      trainRows.map((row) => ({
        text: conversationText(args.train!, row),
        label: requireString(args.train!, row, 'label'),
      })),
    );
    const started = Date.now();
    classifier.train();
    reporter.progress(
      `trained on ${trainRows.length} conversations in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const testRows = await readJsonl(args.test);
    const out = writeJsonl(args.out);
    const gold: string[] = [];
    const predicted: string[] = [];
    for (const row of testRows) {
      const id = requireId(args.test, row);
      const suggestion = classifier.suggest(conversationText(args.test, row));
      out.write({
        id,
        label: suggestion.code,
        confidence: Number(suggestion.confidence.toFixed(4)),
      });
      const label = row.value.label;
      if (typeof label === 'string') {
        gold.push(label);
        predicted.push(suggestion.code);
      }
    }
    await out.close();
    const metrics = classificationMetrics(gold, predicted);
    return {
      n: testRows.length,
      accuracy: metrics.accuracy,
      macro_f1: metrics.macro_f1,
      macro_recall: metrics.macro_recall,
    };
  },
};
