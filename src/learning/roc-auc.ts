/** ROC-AUC by the rank-sum formula, ties counted half; NaN when one class is absent. */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores
    .map((score, i) => ({ score, label: labels[i]! }))
    .sort((a, b) => a.score - b.score);
  let rankSumPositives = 0;
  let positives = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]!.score === order[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (order[k]!.label) {
        rankSumPositives += averageRank;
        positives++;
      }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
