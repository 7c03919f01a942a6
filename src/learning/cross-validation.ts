import { mulberry32, shuffleInPlace } from './random.js';

/**
 * Assigns each example to one of `k` folds so that every label is spread evenly over the folds
 * (stratified): with few examples of a class, a plain random split can leave a fold without it.
 */
export function stratifiedFolds(
  labels: readonly (string | number | boolean)[],
  k: number,
  seed = 1,
): number[] {
  const random = mulberry32(seed);
  const byLabel = new Map<string | number | boolean, number[]>();
  labels.forEach((label, i) => {
    const members = byLabel.get(label) ?? [];
    members.push(i);
    byLabel.set(label, members);
  });
  const folds = new Array<number>(labels.length).fill(0);
  // Continue the round-robin across labels so that small classes do not all start at fold 0.
  let next = 0;
  for (const members of byLabel.values()) {
    for (const i of shuffleInPlace(members, random)) folds[i] = next++ % k;
  }
  return folds;
}

/**
 * Out-of-fold predictions: for each fold, `fitPredict` trains on the other folds and returns
 * predictions for the held-out indices (in the order given). Used to choose settings inside the
 * training data only, never by looking at a test set. An example in a negative fold is left out
 * entirely (neither trained on nor predicted): that is how a caller subsamples.
 */
export function outOfFold<P>(
  folds: readonly number[],
  k: number,
  fitPredict: (train: number[], heldOut: number[]) => P[],
): P[] {
  const out = new Array<P>(folds.length);
  for (let fold = 0; fold < k; fold++) {
    const train: number[] = [];
    const heldOut: number[] = [];
    folds.forEach((f, i) => {
      if (f >= 0) (f === fold ? heldOut : train).push(i);
    });
    if (heldOut.length === 0 || train.length === 0) continue;
    const predictions = fitPredict(train, heldOut);
    heldOut.forEach((i, j) => (out[i] = predictions[j]!));
  }
  return out;
}
