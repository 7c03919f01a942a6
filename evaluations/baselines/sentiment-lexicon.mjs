// Baseline for the sentiment task, the method behind the held-out mark (a lexicon, about 56 %
// TweetEval macro-recall): VADER's compound score with its authors' thresholds (≥ 0.05
// positive, ≤ −0.05 negative, else neutral; two-label files take the sign). English only.
// Usage: node evaluations/baselines/sentiment-lexicon.mjs --test FILE
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import vader from 'vader-sentiment';

const { values: args } = parseArgs({ options: { test: { type: 'string' } } });
const rows = readFileSync(args.test, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const labels = [...new Set(rows.map((row) => row.label))].sort();
const twoLabels = !labels.includes('neutral');
const recall = new Map(labels.map((label) => [label, { correct: 0, total: 0 }]));
let correct = 0;
for (const row of rows) {
  const { compound } = vader.SentimentIntensityAnalyzer.polarity_scores(row.text);
  const predicted = twoLabels
    ? compound >= 0
      ? 'positive'
      : 'negative'
    : compound >= 0.05
      ? 'positive'
      : compound <= -0.05
        ? 'negative'
        : 'neutral';
  const entry = recall.get(row.label);
  entry.total++;
  if (predicted === row.label) {
    entry.correct++;
    correct++;
  }
}
const recalls = [...recall.values()].map((entry) => entry.correct / entry.total);
console.log(
  JSON.stringify({
    task: 'sentiment-lexicon-baseline',
    n: rows.length,
    macro_recall: recalls.reduce((sum, value) => sum + value, 0) / recalls.length,
    accuracy: correct / rows.length,
  }),
);
