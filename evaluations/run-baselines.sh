#!/usr/bin/env bash
# Runs the held-out marks' methods, re-implemented in evaluations/baselines/, on the same dev
# data and splits as run-dev.sh, so each dev figure of the product has a same-data baseline
# beside it. Disposition and churn over all 5 folds: node evaluations/kfold.mjs.
# Usage: bash evaluations/run-baselines.sh [task ...]   (default: intent sentiment retrieval summary)
set -euo pipefail
cd "$(dirname "$0")/.."
D=${CUECARD_DATASETS:-../shared/datasets}
tasks=${*:-intent sentiment retrieval summary}
for task in $tasks; do
  case $task in
    intent)
      node evaluations/baselines/disposition-tfidf-lr.mjs --label intent \
        --train "$D/hwu64/hwu64_train.jsonl" --test "$D/hwu64/hwu64_test.jsonl" ;;
    sentiment)
      node evaluations/baselines/sentiment-lexicon.mjs --test "$D/tweeteval_sentiment/tweeteval_sentiment_val.jsonl" ;;
    retrieval)
      # The defaults first, then other plain TF-IDF settings (how much the mark's settings matter).
      for settings in "" "--sublinear" "--stop-words" "--bigrams" "--sublinear --stop-words --bigrams" \
        "--fit-queries --sublinear --stop-words"; do
        for part in full early; do
          echo "retrieval $part ${settings:-(defaults)}" >&2
          # shellcheck disable=SC2086
          node evaluations/baselines/retrieval-tfidf.mjs --kb "$D/abcd/retrieval/abcd_kb.jsonl" \
            --test "$D/abcd/retrieval/abcd_dev_queries_$part.jsonl" $settings
        done
      done ;;
    summary)
      for file in dialogsum/dialogsum_dev.jsonl tweetsumm/tweetsumm_dev.jsonl; do
        npx tsx evaluations/baselines/summary-lead.ts --test "$D/$file"
      done ;;
    *) echo "unknown task $task (known: intent sentiment retrieval summary)" >&2; exit 2 ;;
  esac
done
