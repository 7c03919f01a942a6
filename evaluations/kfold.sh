#!/usr/bin/env bash
# K-fold cross-validation of one eval task on one labelled dev file, through the product's own
# command: for each fold k of K (hash of the id, split.mjs), trains on the other folds with
# `npm run eval -- TASK --train … --test …`, then prints each fold's metrics line and, last, one
# JSON object with the mean and spread of every numeric top-level metric.
# Usage: bash evaluations/kfold.sh TASK FILE [ID_FIELD=id] [FOLDS=5]
#   e.g. bash evaluations/kfold.sh sentiment ../shared/datasets/tweeteval_sentiment/tweeteval_sentiment_val.jsonl
# Folds run one after another: each run already uses both cores.
set -euo pipefail
cd "$(dirname "$0")/.."
task=${1:?usage: kfold.sh TASK FILE [ID_FIELD] [FOLDS]}
file=${2:?usage: kfold.sh TASK FILE [ID_FIELD] [FOLDS]}
id_field=${3:-id}
folds=${4:-5}
ext=${file##*.}
[ "$ext" = csv ] || ext=jsonl
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

for ((k = 0; k < folds; k++)); do
  node evaluations/split.mjs "$file" "$id_field" "$k" "$folds" "$T/train.$ext" "$T/test.$ext"
  start=$SECONDS
  line=$(npm run --silent eval -- "$task" --train "$T/train.$ext" --test "$T/test.$ext" --out "$T/pred.jsonl" | tail -n 1)
  echo "{\"fold\":$k,\"seconds\":$((SECONDS - start)),\"metrics\":$line}" | tee -a "$T/folds.jsonl"
done

node --input-type=module -e '
import { readFileSync } from "node:fs";
const runs = readFileSync(process.argv[1], "utf8").trim().split("\n").map((line) => JSON.parse(line));
const summary = { task: process.argv[2], file: process.argv[3], folds: runs.length, seconds: 0 };
for (const run of runs) summary.seconds += run.seconds;
for (const [key, value] of Object.entries(runs[0].metrics)) {
  if (typeof value !== "number" || key === "n") continue;
  const values = runs.map((run) => run.metrics[key]);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  summary[key] = { mean: Number(mean.toFixed(4)), sd: Number(sd.toFixed(4)), folds: values.map((v) => Number(v.toFixed(4))) };
}
console.log(JSON.stringify(summary));
' "$T/folds.jsonl" "$task" "$file"
