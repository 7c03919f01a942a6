// Baseline for the retrieval task, the method behind the held-out mark ("plain TF-IDF"):
// scikit-learn's TfidfVectorizer() defaults (lowercase, tokens of 2+ word characters, unigrams,
// smooth idf, raw tf, L2 norm) fitted on the articles (title + body), articles ranked by cosine
// with the query. Same input and output contract as `npm run eval -- retrieval`.
// Other plain TF-IDF settings, to see how much the mark's exact settings matter:
// --sublinear (1 + log tf), --stop-words (a short English list), --bigrams (uni + bigrams),
// --fit-queries (document frequencies over the articles and the queries).
// Usage: node evaluations/baselines/retrieval-tfidf.mjs --kb FILE --test FILE [--out FILE]
//        [--sublinear] [--stop-words] [--bigrams] [--fit-queries]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    kb: { type: 'string' },
    test: { type: 'string' },
    out: { type: 'string' },
    sublinear: { type: 'boolean' },
    'stop-words': { type: 'boolean' },
    bigrams: { type: 'boolean' },
    'fit-queries': { type: 'boolean' },
  },
});
const read = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below
  between both but by can did do does doing down during each few for from further had has have
  having he her here hers herself him himself his how i if in into is it its itself just me more
  most my myself no nor not now of off on once only or other our ours ourselves out over own same
  she should so some such than that the their theirs them themselves then there these they this
  those through to too under until up very was we were what when where which while who whom why
  will with you your yours yourself yourselves`.split(/\s+/),
);
const tokens = (text) => {
  let words = text.toLowerCase().match(/\b\w\w+\b/gu) ?? [];
  if (args['stop-words']) words = words.filter((word) => !STOP_WORDS.has(word));
  if (args.bigrams) words = [...words, ...words.slice(1).map((word, i) => `${words[i]} ${word}`)];
  return words;
};

const articles = read(args.kb);
const queries = read(args.test);
const documents = articles.map((article) => `${article.title ?? ''}\n${article.body ?? ''}`);
const fitted = args['fit-queries'] ? [...documents, ...queries.map((q) => q.text)] : documents;
const df = new Map();
for (const document of fitted)
  for (const token of new Set(tokens(document))) df.set(token, (df.get(token) ?? 0) + 1);
const idf = new Map(
  [...df].map(([token, count]) => [token, Math.log((1 + fitted.length) / (1 + count)) + 1]),
);
const vectorize = (text) => {
  const counts = new Map();
  for (const token of tokens(text))
    if (idf.has(token)) counts.set(token, (counts.get(token) ?? 0) + 1);
  const vector = new Map();
  for (const [token, count] of counts)
    vector.set(token, (args.sublinear ? 1 + Math.log(count) : count) * idf.get(token));
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
