// Paired bootstrap of the difference between two systems scored on the same test rows: resamples
// rows within each fold (with replacement), recomputes each fold's metric for both systems and
// takes the mean over folds of product − baseline. Says whether a margin is larger than the
// noise of a few thousand rows, which a mean of per-fold figures alone does not.
// Used by kfold.mjs; nothing here is read by the product.

// A small seeded generator, so the interval is the same on every run.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ROC-AUC with ties counted half (Mann–Whitney). */
export function rocAuc(scores, labels) {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) j++;
    for (let k = i; k < j; k++) {
      if (labels[order[k]]) {
        positives++;
        rankSum += (i + 1 + j) / 2;
      }
    }
    i = j;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

const accuracy = (predicted, gold) =>
  predicted.reduce((sum, label, i) => sum + (label === gold[i] ? 1 : 0), 0) / gold.length;

/**
 * folds: [{ gold: [...], product: [...], baseline: [...] }], each array in the same row order;
 * for 'roc_auc' product/baseline are scores and gold booleans, for 'accuracy' labels.
 */
export function pairedBootstrap(folds, metric, { resamples = 2000, seed = 17 } = {}) {
  const score = metric === 'roc_auc' ? rocAuc : accuracy;
  const random = mulberry32(seed);
  const difference = (pick) => {
    let total = 0;
    for (const fold of folds) {
      const rows = pick(fold.gold.length);
      const gold = rows.map((i) => fold.gold[i]);
      total +=
        score(
          rows.map((i) => fold.product[i]),
          gold,
        ) -
        score(
          rows.map((i) => fold.baseline[i]),
          gold,
        );
    }
    return total / folds.length;
  };
  const observed = difference((n) => Array.from({ length: n }, (_, i) => i));
  const draws = [];
  for (let r = 0; r < resamples; r++)
    draws.push(difference((n) => Array.from({ length: n }, () => Math.floor(random() * n))));
  draws.sort((a, b) => a - b);
  return {
    difference: observed,
    ci95: [draws[Math.floor(resamples * 0.025)], draws[Math.ceil(resamples * 0.975) - 1]],
    // Share of resamples where the product is not ahead: a one-sided bootstrap p-value.
    pNotAhead: draws.filter((d) => d <= 0).length / resamples,
    resamples,
  };
}
