/** Classification metrics shared by the eval tasks. Labels are compared as strings. */
export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  macro_recall: number;
  macro_f1: number;
  per_label: Record<string, { precision: number; recall: number; f1: number; support: number }>;
}

export function classificationMetrics(
  gold: readonly string[],
  predicted: readonly (string | null)[],
): ClassificationMetrics {
  if (gold.length !== predicted.length) throw new Error('gold and predicted differ in length');
  const labels = [...new Set(gold)].sort();
  const stats = new Map(labels.map((label) => [label, { tp: 0, fp: 0, fn: 0 }]));
  let correct = 0;
  gold.forEach((label, i) => {
    const guess = predicted[i] ?? null;
    if (guess === label) {
      correct++;
      stats.get(label)!.tp++;
    } else {
      stats.get(label)!.fn++;
      if (guess !== null && stats.has(guess)) stats.get(guess)!.fp++;
    }
  });
  const per_label: ClassificationMetrics['per_label'] = {};
  let recallSum = 0;
  let f1Sum = 0;
  for (const label of labels) {
    const { tp, fp, fn } = stats.get(label)!;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    per_label[label] = { precision, recall, f1, support: tp + fn };
    recallSum += recall;
    f1Sum += f1;
  }
  return {
    n: gold.length,
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    macro_recall: labels.length === 0 ? 0 : recallSum / labels.length,
    macro_f1: labels.length === 0 ? 0 : f1Sum / labels.length,
    per_label,
  };
}

/** Deterministic k-fold split by a stable hash of the id (for cross-validation on dev sets). */
export function foldOf(id: string, folds: number): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % folds;
}
