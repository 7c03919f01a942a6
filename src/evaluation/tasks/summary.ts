import { narrativeSummary, type SummaryTurn } from '../../wrap-up/summary/narrative.js';
import { dataError, readJsonl, requireId, writeJsonl, type Row } from '../io.js';
import { rougeMulti } from '../rouge.js';
import type { EvalTask } from '../task.js';

function turnsOf(file: string, row: Row): SummaryTurn[] {
  const turns = row.value.turns;
  if (!Array.isArray(turns))
    throw dataError(
      file,
      row.line,
      'turns',
      turns === undefined ? 'is missing' : 'must be an array',
    );
  return turns.map((turn: unknown, index) => {
    const value = turn as { speaker?: unknown; text?: unknown } | null;
    if (typeof value?.text !== 'string')
      throw dataError(file, row.line, `turns[${index}].text`, 'must be a string');
    return {
      speaker: typeof value.speaker === 'string' ? value.speaker : 'speaker',
      text: value.text,
    };
  });
}

function referencesOf(row: Row): string[] {
  const many = row.value.summaries;
  if (Array.isArray(many))
    return many.filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  return typeof row.value.summary === 'string' ? [row.value.summary] : [];
}

export const task: EvalTask = {
  name: 'summary',
  description:
    'Offline narrative summary of a dialogue, scored by ROUGE-1/2/L F1 against human references',
  async run(args, reporter) {
    const rows = await readJsonl(args.test);
    reporter.progress(`${rows.length} dialogues from ${args.test}`);
    const out = writeJsonl(args.out);
    const sums = {
      average: { rouge1: 0, rouge2: 0, rougeL: 0 },
      best: { rouge1: 0, rouge2: 0, rougeL: 0 },
    };
    let scored = 0;
    for (const [index, row] of rows.entries()) {
      const id = requireId(args.test, row);
      const summary = narrativeSummary(turnsOf(args.test, row));
      out.write({ id, summary });
      const references = referencesOf(row);
      if (references.length > 0) {
        const scores = rougeMulti(summary, references);
        for (const kind of ['average', 'best'] as const)
          for (const key of ['rouge1', 'rouge2', 'rougeL'] as const)
            sums[kind][key] += scores[kind][key];
        scored++;
      }
      if ((index + 1) % 500 === 0) reporter.progress(`${index + 1}/${rows.length}`);
    }
    await out.close();
    const mean = (value: number): number =>
      scored === 0 ? 0 : Number(((100 * value) / scored).toFixed(2));
    return {
      n: rows.length,
      scored,
      // Averaged over references (the DialogSum convention); `best_*` takes the best reference.
      rouge1: mean(sums.average.rouge1),
      rouge2: mean(sums.average.rouge2),
      rougeL: mean(sums.average.rougeL),
      best_rouge1: mean(sums.best.rouge1),
      best_rouge2: mean(sums.best.rouge2),
      best_rougeL: mean(sums.best.rougeL),
    };
  },
};
