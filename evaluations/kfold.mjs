// Runs the product's eval command and the baselines over the 5 hash folds of a dev file (the
// same split as run-dev.sh and split.mjs: test on fold k, train on the other four) and prints
// each fold's metric and the means. Tasks whose dev data has no train part: disposition, churn.
// Usage: node evaluations/kfold.mjs [disposition|churn ...] [--folds 5] [--no-baseline]
//   CUECARD_DATASETS=../shared/datasets by default.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pairedBootstrap } from './paired.mjs';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { folds: { type: 'string', default: '5' }, 'no-baseline': { type: 'boolean' } },
});
const root = new URL('..', import.meta.url).pathname;
const datasets = process.env.CUECARD_DATASETS ?? join(root, '../shared/datasets');
const tasks = {
  disposition: {
    file: join(datasets, 'abcd/disposition/abcd_dev_disposition.jsonl'),
    id: 'id',
    extension: 'jsonl',
    metric: 'accuracy',
    // What the paired comparison reads: the gold of a test row, and a prediction line's answer.
    gold: (row) => String(row.label),
    answer: (prediction) => String(prediction.label),
    baseline: 'evaluations/baselines/disposition-tfidf-lr.mjs',
  },
  churn: {
    file: join(datasets, 'telco_churn/telco_churn_dev.csv'),
    id: 'customerID',
    extension: 'csv',
    metric: 'roc_auc',
    gold: (row) => ['yes', 'true', '1'].includes(String(row.Churn).trim().toLowerCase()),
    answer: (prediction) => prediction.risk,
    baseline: 'evaluations/baselines/churn-lr.mjs',
  },
};
const folds = Number(options.folds);
const temporary = mkdtempSync(join(tmpdir(), 'cuecard-kfold-'));
const lastJsonLine = (output) => JSON.parse(output.trim().split('\n').at(-1));
const run = (command, args) =>
  lastJsonLine(
    execFileSync(command, args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
const readPredictions = (file) =>
  new Map(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line))
      .map((prediction) => [String(prediction.id), prediction]),
  );
// Test rows as objects with their id, in file order (CSV here has no quoted commas, as in split.mjs).
const readRows = (file, extension) => {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  if (extension === 'jsonl') return lines.map((line) => JSON.parse(line));
  const names = lines[0].split(',');
  return lines
    .slice(1)
    .map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i], cell])));
};
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;

try {
  for (const name of positionals.length > 0 ? positionals : Object.keys(tasks)) {
    const task = tasks[name];
    if (!task) throw new Error(`unknown task ${name} (known: ${Object.keys(tasks).join(', ')})`);
    const results = { product: [], baseline: [] };
    const paired = [];
    for (let fold = 0; fold < folds; fold++) {
      const train = join(temporary, `train.${task.extension}`);
      const test = join(temporary, `test.${task.extension}`);
      execFileSync(
        'node',
        ['evaluations/split.mjs', task.file, task.id, String(fold), String(folds), train, test],
        {
          cwd: root,
          stdio: 'ignore',
        },
      );
      const out = join(temporary, 'predictions.jsonl');
      const started = Date.now();
      const product = run('npx', [
        'tsx',
        'src/cli/eval.ts',
        name,
        '--train',
        train,
        '--test',
        test,
        '--out',
        out,
      ]);
      const seconds = (Date.now() - started) / 1000;
      results.product.push(product[task.metric]);
      let line = `${name} fold ${fold}: product ${task.metric} ${product[task.metric].toFixed(4)} (${seconds.toFixed(0)} s)`;
      if (!options['no-baseline']) {
        const baselineOut = join(temporary, 'baseline.jsonl');
        const baseline = run('node', [
          task.baseline,
          '--train',
          train,
          '--test',
          test,
          '--out',
          baselineOut,
        ]);
        results.baseline.push(baseline[task.metric]);
        const rows = readRows(test, task.extension);
        const ids = rows.map((row) => String(row[task.id]));
        const ours = readPredictions(out);
        const theirs = readPredictions(baselineOut);
        paired.push({
          gold: rows.map(task.gold),
          product: ids.map((id) => task.answer(ours.get(id))),
          baseline: ids.map((id) => task.answer(theirs.get(id))),
        });
        line += `, baseline ${baseline[task.metric].toFixed(4)}`;
      }
      process.stderr.write(line + '\n');
    }
    console.log(
      JSON.stringify({
        task: name,
        metric: task.metric,
        folds,
        product: {
          fold0: results.product[0],
          mean: mean(results.product),
          byFold: results.product,
        },
        ...(options['no-baseline']
          ? {}
          : {
              baseline: {
                fold0: results.baseline[0],
                mean: mean(results.baseline),
                byFold: results.baseline,
              },
              // Product − baseline, mean over folds, with a 95 % paired-bootstrap interval.
              paired: pairedBootstrap(paired, task.metric),
            }),
      }),
    );
  }
} finally {
  rmSync(temporary, { recursive: true, force: true });
}
