// Baseline for the retrieval task, the method behind the held-out mark ("plain TF-IDF"):
// scikit-learn's TfidfVectorizer() defaults (lowercase, tokens of 2+ word characters, unigrams,
// smooth idf, raw tf, L2 norm) fitted on the articles (title + body), articles ranked by cosine
// with the query. Same input and output contract as `npm run eval -- retrieval`.
// Usage: node evaluations/baselines/retrieval-tfidf.mjs --kb FILE --test FILE [--out FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { kb: { type: 'string' }, test: { type: 'string' }, out: { type: 'string' } },
});
const read = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
const tokens = (text) => text.toLowerCase().match(/\b\w\w+\b/gu) ?? [];

const articles = read(args.kb);
const queries = read(args.test);
const documents = articles.map((article) => `${article.title ?? ''}\n${article.body ?? ''}`);
const df = new Map();
for (const document of documents)
  for (const token of new Set(tokens(document))) df.set(token, (df.get(token) ?? 0) + 1);
const idf = new Map(
  [...df].map(([token, count]) => [token, Math.log((1 + documents.length) / (1 + count)) + 1]),
);
const vectorize = (text) => {
  const vector = new Map();
  for (const token of tokens(text))
    if (idf.has(token)) vector.set(token, (vector.get(token) ?? 0) + idf.get(token));
  const norm = Math.hypot(...vector.values()) || 1;
  for (const [token, value] of vector) vector.set(token, value / norm);
  return vector;
};
const articleVectors = documents.map(vectorize);
const cosine = (a, b) => {
  let sum = 0;
  for (const [token, value] of a) sum += value * (b.get(token) ?? 0);
  return sum;
};

let hit1 = 0;
let hit3 = 0;
let reciprocalRanks = 0;
const predictions = queries.map((query) => {
  const q = vectorize(query.text);
  const ranked = articles
    .map((article, i) => ({ id: article.id, score: cosine(q, articleVectors[i]) }))
    .sort((a, b) => b.score - a.score)
    .map((entry) => entry.id);
  const relevant = new Set(query.relevant);
  const rank = ranked.findIndex((id) => relevant.has(id));
  if (rank === 0) hit1++;
  if (rank >= 0 && rank < 3) hit3++;
  if (rank >= 0) reciprocalRanks += 1 / (rank + 1);
  return { id: query.id, ranked };
});
if (args.out) writeFileSync(args.out, predictions.map((p) => JSON.stringify(p)).join('\n') + '\n');
const n = queries.length;
console.log(
  JSON.stringify({
    task: 'retrieval-baseline',
    n,
    'hit@1': hit1 / n,
    'hit@3': hit3 / n,
    mrr: reciprocalRanks / n,
  }),
);
