// Baseline for the disposition task, the method behind the held-out mark: scikit-learn's
// TfidfVectorizer() defaults (lowercase, tokens of 2+ word characters, unigrams, smooth idf,
// raw tf, L2 norm) and LogisticRegression() defaults (C = 1). Same input and output contract as
// `npm run eval -- disposition`, so evaluations/kfold.mjs compares both on the same folds.
// The intent mark (TF-IDF + logistic regression, 89–91 %) is the same method: `--label intent`
// reads the `intent` field instead of `label`.
// Usage: node evaluations/baselines/disposition-tfidf-lr.mjs --train FILE --test FILE [--label FIELD] [--out FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fitLogisticRegression } from './logistic-regression.mjs';

const { values: args } = parseArgs({
  options: {
    train: { type: 'string' },
    test: { type: 'string' },
    out: { type: 'string' },
    label: { type: 'string', default: 'label' },
  },
});
const read = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
const labelOf = (row) => row[args.label];
const textOf = (row) => row.text ?? (row.turns ?? []).map((turn) => turn.text).join('\n');
const tokens = (text) => text.toLowerCase().match(/\b\w\w+\b/gu) ?? [];

const train = read(args.train);
const test = read(args.test);
const classes = [...new Set(train.map(labelOf))].sort();
const vocabulary = new Map();
const df = [];
for (const row of train) {
  for (const token of new Set(tokens(textOf(row)))) {
    if (!vocabulary.has(token)) vocabulary.set(token, vocabulary.size);
    const index = vocabulary.get(token);
    df[index] = (df[index] ?? 0) + 1;
  }
}
const idf = df.map((count) => Math.log((1 + train.length) / (1 + count)) + 1);
const vectorize = (text) => {
  const counts = new Map();
  for (const token of tokens(text)) {
    const index = vocabulary.get(token);
    if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  const indices = [...counts.keys()];
  const values = indices.map((index) => counts.get(index) * idf[index]);
  const norm = Math.hypot(...values) || 1;
  return { indices, values: values.map((value) => value / norm) };
};
const model = fitLogisticRegression(
  train.map((row) => vectorize(textOf(row))),
  train.map((row) => classes.indexOf(labelOf(row))),
  vocabulary.size,
  classes.length,
);
let correct = 0;
const predictions = test.map((row) => {
  const p = model.probabilities(vectorize(textOf(row)));
  const best = p.indexOf(Math.max(...p));
  if (classes[best] === labelOf(row)) correct++;
  return { id: row.id, label: classes[best], confidence: p[best] };
});
if (args.out) writeFileSync(args.out, predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
console.log(
  JSON.stringify({
    task: args.label === 'label' ? 'disposition-baseline' : `${args.label}-baseline`,
    n: test.length,
    accuracy: correct / test.length,
  }),
);
