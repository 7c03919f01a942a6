// Baseline for the churn task, the method behind the held-out mark: one-hot encoding of every
// non-numeric column (pandas get_dummies), numeric columns standardised with blanks set to the
// mean, scikit-learn LogisticRegression() defaults (C = 1). Nothing about the Telco columns is
// assumed: the id column is `customerID`, the outcome `Churn`, everything else an attribute.
// Usage: node evaluations/baselines/churn-lr.mjs --train FILE.csv --test FILE.csv [--out FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fitLogisticRegression } from './logistic-regression.mjs';

const { values: args } = parseArgs({
  options: { train: { type: 'string' }, test: { type: 'string' }, out: { type: 'string' } },
});
// Plain comma split, like evaluations/split.mjs: fine for tables without quoted commas.
const readCsv = (file) => {
  const [header, ...lines] = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const names = header.split(',').map((name) => name.trim());
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((name, i) => [name, (cells[i] ?? '').trim()]));
  });
};
const train = readCsv(args.train);
const test = readCsv(args.test);
const find = (wanted) =>
  Object.keys(train[0]).find((n) => n.toLowerCase() === wanted.toLowerCase());
const id = find('customerID');
const label = find('Churn');
const isYes = (value) => ['yes', 'true', '1'].includes(value.toLowerCase());
const attributes = Object.keys(train[0]).filter((name) => name !== id && name !== label);
const numeric = (name) => {
  const filled = train.map((row) => row[name]).filter((v) => v !== '');
  return filled.length > 0 && filled.every((v) => Number.isFinite(Number(v)));
};
const encoders = [];
let dimension = 0;
for (const name of attributes) {
  if (numeric(name)) {
    const values = train
      .map((row) => row[name])
      .filter((v) => v !== '')
      .map(Number);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
    const index = dimension++;
    encoders.push((row, x) => {
      const value = row[name] === '' ? mean : Number(row[name]);
      x.indices.push(index);
      x.values.push((value - mean) / std);
    });
  } else {
    const levels = new Map(
      [...new Set(train.map((row) => row[name]))].map((l) => [l, dimension++]),
    );
    encoders.push((row, x) => {
      const index = levels.get(row[name]);
      if (index !== undefined) {
        x.indices.push(index);
        x.values.push(1);
      }
    });
  }
}
const encode = (row) => {
  const x = { indices: [], values: [] };
  for (const encoder of encoders) encoder(row, x);
  return x;
};
const model = fitLogisticRegression(
  train.map(encode),
  train.map((row) => (isYes(row[label]) ? 1 : 0)),
  dimension,
  2,
);
const scored = test.map((row) => ({
  id: row[id],
  risk: model.probabilities(encode(row))[1],
  churn: isYes(row[label] ?? ''),
}));
const positives = scored.filter((s) => s.churn).length;
const negatives = scored.length - positives;
const sorted = [...scored].sort((a, b) => a.risk - b.risk);
let rankSum = 0;
for (let i = 0; i < sorted.length;) {
  let j = i;
  while (j < sorted.length && sorted[j].risk === sorted[i].risk) j++;
  for (let k = i; k < j; k++) if (sorted[k].churn) rankSum += (i + 1 + j) / 2;
  i = j;
}
if (args.out)
  writeFileSync(
    args.out,
    scored.map(({ id, risk }) => JSON.stringify({ id, risk })).join('\n') + '\n',
  );
console.log(
  JSON.stringify({
    task: 'churn-baseline',
    n: test.length,
    roc_auc: (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives),
  }),
);
