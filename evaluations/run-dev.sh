#!/usr/bin/env bash
# Runs every eval task on the shared dev data and appends each task's metrics line to
# evaluations/results-dev.jsonl. Splits (for tasks whose dev data has no train part) are fold 0
# of 5 by a hash of the id; nothing here is used by the product.
# Usage: bash evaluations/run-dev.sh [task ...]   (default: all; retrieval-kfold: all 5 folds of
# the learned ranker, not in the default list; retrieval-foldK: fold K alone)
set -euo pipefail
cd "$(dirname "$0")/.."
D=${CUECARD_DATASETS:-../shared/datasets}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
OUT=evaluations/results-dev.jsonl
tasks=${*:-intent sentiment retrieval next-action summary disposition churn}

run() {
  local label=$1; shift
  echo "== $label" >&2
  local start=$SECONDS
  local line
  line=$(npm run --silent eval -- "$@" --out "$T/pred.jsonl" | tail -n 1)
  echo "{\"run\":\"$label\",\"seconds\":$((SECONDS - start)),\"metrics\":$line}" | tee -a "$OUT"
}

# Learning from resolutions: past conversations are whole chats (the other folds of the full
# file); the test is fold k of the whole chats and of their early parts, with and without --train.
retrieval_train() {
  local fold=$1 R="$D/abcd/retrieval"
  node evaluations/split.mjs "$R/abcd_dev_queries_full.jsonl" id "$fold" 5 "$T/r-train.jsonl" "$T/r-full.jsonl"
  node evaluations/split.mjs "$R/abcd_dev_queries_early.jsonl" id "$fold" 5 "$T/r-unused.jsonl" "$T/r-early.jsonl"
  for part in full early; do
    run "retrieval-abcd-$part-fold$fold" retrieval --kb "$R/abcd_kb.jsonl" --test "$T/r-$part.jsonl"
    run "retrieval-abcd-$part-fold$fold-train" retrieval --kb "$R/abcd_kb.jsonl" --train "$T/r-train.jsonl" --test "$T/r-$part.jsonl"
  done
}

# Chinese sentiment: the lexicon on each whole set; then, on a held-out fifth, the lexicon and a
# tenant model trained on the other four fifths.
sentiment_zh() {
  for f in online_shopping_10_cats_dev chnsenticorp_htl_all_dev; do
    run "sentiment-$f-lexicon" sentiment --test "$D/chinese_sentiment/$f.jsonl"
    node evaluations/split.mjs "$D/chinese_sentiment/$f.jsonl" id 0 5 "$T/zs-train.jsonl" "$T/zs-test.jsonl"
    run "sentiment-$f-fold0-lexicon" sentiment --test "$T/zs-test.jsonl"
    run "sentiment-$f-fold0" sentiment --train "$T/zs-train.jsonl" --test "$T/zs-test.jsonl"
  done
}

for task in $tasks; do
  case $task in
    intent) run intent-hwu64 intent --train "$D/hwu64/hwu64_train.jsonl" --test "$D/hwu64/hwu64_test.jsonl" ;;
    sentiment)
      run sentiment-tweeteval-lexicon sentiment --test "$D/tweeteval_sentiment/tweeteval_sentiment_val.jsonl"
      node evaluations/split.mjs "$D/tweeteval_sentiment/tweeteval_sentiment_val.jsonl" id 0 5 "$T/s-train.jsonl" "$T/s-test.jsonl"
      run sentiment-tweeteval-fold0 sentiment --train "$T/s-train.jsonl" --test "$T/s-test.jsonl"
      sentiment_zh ;;
    sentiment-zh) sentiment_zh ;;
    retrieval)
      run retrieval-abcd-full retrieval --kb "$D/abcd/retrieval/abcd_kb.jsonl" --test "$D/abcd/retrieval/abcd_dev_queries_full.jsonl"
      run retrieval-abcd-early retrieval --kb "$D/abcd/retrieval/abcd_kb.jsonl" --test "$D/abcd/retrieval/abcd_dev_queries_early.jsonl"
      retrieval_train 0 ;;
    retrieval-kfold) for fold in 0 1 2 3 4; do retrieval_train "$fold"; done ;;
    # One fold at a time, so a slow k-fold run can be finished across sittings.
    retrieval-fold[0-4]) retrieval_train "${task#retrieval-fold}" ;;
    next-action) run next-action-abcd next-action --train "$D/abcd/abcd_train_partial_ast.jsonl.gz" --test "$D/abcd/abcd_dev_ast.jsonl.gz" --kb "$D/abcd/guidelines.json" ;;
    summary)
      run summary-dialogsum summary --test "$D/dialogsum/dialogsum_dev.jsonl"
      run summary-tweetsumm summary --test "$D/tweetsumm/tweetsumm_dev.jsonl" ;;
    disposition)
      node evaluations/split.mjs "$D/abcd/disposition/abcd_dev_disposition.jsonl" id 0 5 "$T/d-train.jsonl" "$T/d-test.jsonl"
      run disposition-abcd-fold0 disposition --train "$T/d-train.jsonl" --test "$T/d-test.jsonl" ;;
    churn)
      node evaluations/split.mjs "$D/telco_churn/telco_churn_dev.csv" customerID 0 5 "$T/c-train.csv" "$T/c-test.csv"
      run churn-telco-fold0 churn --train "$T/c-train.csv" --test "$T/c-test.csv" ;;
    *) echo "unknown task $task" >&2; exit 2 ;;
  esac
done
