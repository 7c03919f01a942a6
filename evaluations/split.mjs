// Deterministic k-fold split of a JSONL or CSV file by a hash of the row id (same hash as
// src/evaluation/metrics.ts foldOf), for dev evaluation of tasks whose dev data has no train split.
// Usage: node evaluations/split.mjs FILE ID_FIELD FOLD FOLDS OUT_TRAIN OUT_TEST
import { readFileSync, writeFileSync } from 'node:fs';

const [file, idField, foldText, foldsText, outTrain, outTest] = process.argv.slice(2);
const fold = Number(foldText);
const folds = Number(foldsText);
const foldOf = (id) => {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % folds;
};
const text = readFileSync(file, 'utf8');
const train = [];
const test = [];
if (file.endsWith('.csv')) {
  const [header, ...lines] = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const column = header.split(',').indexOf(idField);
  for (const line of lines) (foldOf(line.split(',')[column]) === fold ? test : train).push(line);
  writeFileSync(outTrain, [header, ...train].join('\n') + '\n');
  writeFileSync(outTest, [header, ...test].join('\n') + '\n');
} else {
  for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
    (foldOf(String(JSON.parse(line)[idField])) === fold ? test : train).push(line);
  }
  writeFileSync(outTrain, train.join('\n') + '\n');
  writeFileSync(outTest, test.join('\n') + '\n');
}
process.stderr.write(
  `${file}: fold ${fold}/${folds}: ${train.length} train, ${test.length} test\n`,
);
