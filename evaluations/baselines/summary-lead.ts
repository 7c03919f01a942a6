// Baseline for the summary task, the method behind the held-out mark (lead-2 turns gets
// ROUGE-L 20.6 on DialogSum): the summary is the first N turns' text, scored with the same
// ROUGE code and multi-reference averaging as `npm run eval -- summary`.
// Usage: npx tsx evaluations/baselines/summary-lead.ts --test FILE [--turns 2]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { rougeMulti } from '../../src/evaluation/rouge.js';

const { values: args } = parseArgs({
  options: { test: { type: 'string' }, turns: { type: 'string', default: '2' } },
});
if (!args.test) throw new Error('--test FILE is required');
const lead = Number(args.turns);
const rows = readFileSync(args.test, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map(
    (line) =>
      JSON.parse(line) as {
        turns: { text: string }[];
        summaries?: string[];
        summary?: string;
      },
  );
const sums = { rouge1: 0, rouge2: 0, rougeL: 0 };
let scored = 0;
for (const row of rows) {
  const references = row.summaries ?? (row.summary ? [row.summary] : []);
  if (references.length === 0) continue;
  const candidate = row.turns
    .slice(0, lead)
    .map((turn) => turn.text)
    .join(' ');
  const { average } = rougeMulti(candidate, references);
  for (const key of ['rouge1', 'rouge2', 'rougeL'] as const) sums[key] += average[key];
  scored++;
}
const mean = (value: number): number => Number(((100 * value) / scored).toFixed(2));
console.log(
  JSON.stringify({
    task: `summary-lead-${lead}`,
    n: rows.length,
    scored,
    rouge1: mean(sums.rouge1),
    rouge2: mean(sums.rouge2),
    rougeL: mean(sums.rougeL),
  }),
);
