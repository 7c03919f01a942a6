import { mulberry32 } from './random.js';

/**
 * Gradient-boosted regression trees for a binary outcome (log loss, Newton leaf values), on a
 * dense numeric matrix. Small on purpose: a customer table has thousands of rows and tens of
 * columns, and a tenant trains at run time. Each feature is cut at up to `bins` quantiles once,
 * so a split search is a histogram scan, not a sort.
 */
export interface BoostingOptions {
  trees: number;
  /** Shrinkage per tree. */
  learningRate: number;
  maxDepth: number;
  /** A leaf needs at least this many training rows. */
  minLeafSize: number;
  /** L2 on leaf values (Newton step denominator). */
  lambda: number;
  /** Share of rows each tree sees (stochastic boosting: less variance). */
  subsample: number;
  bins: number;
  seed: number;
}

export const defaultBoostingOptions: BoostingOptions = {
  trees: 200,
  learningRate: 0.05,
  maxDepth: 3,
  minLeafSize: 20,
  lambda: 1,
  subsample: 0.8,
  bins: 32,
  seed: 7,
};

type TreeNode =
  | { leaf: true; value: number }
  | { leaf: false; feature: number; threshold: number; left: TreeNode; right: TreeNode };

export interface BoostedTrees {
  /** Log-odds of the positive outcome. */
  logit(row: ArrayLike<number>): number;
}

export function trainBoostedTrees(
  rows: readonly ArrayLike<number>[],
  outcomes: readonly boolean[],
  options: Partial<BoostingOptions> = {},
): BoostedTrees {
  const settings = { ...defaultBoostingOptions, ...options };
  const n = rows.length;
  const d = n > 0 ? rows[0]!.length : 0;
  const cuts = Array.from({ length: d }, (_, j) => quantileCuts(rows, j, settings.bins));
  // binned[j][i]: the bin of row i on feature j (value <= cuts[j][bin], or past the last cut).
  const binned = cuts.map((featureCuts, j) =>
    Uint8Array.from(rows, (row) => binOf(row[j]!, featureCuts)),
  );
  const positives = outcomes.filter(Boolean).length;
  const base = Math.log(Math.max(1, positives) / Math.max(1, n - positives));
  const score = new Float64Array(n).fill(base);
  const gradient = new Float64Array(n);
  const hessian = new Float64Array(n);
  const random = mulberry32(settings.seed);
  const trees: TreeNode[] = [];
  for (let t = 0; t < settings.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-score[i]!));
      gradient[i] = p - (outcomes[i] ? 1 : 0);
      hessian[i] = Math.max(p * (1 - p), 1e-6);
    }
    const sample: number[] = [];
    for (let i = 0; i < n; i++) if (random() < settings.subsample) sample.push(i);
    const tree = grow(sample, 0, { binned, cuts, gradient, hessian, settings });
    trees.push(tree);
    for (let i = 0; i < n; i++) score[i]! += predictTree(tree, rows[i]!);
  }
  return {
    logit(row) {
      let z = base;
      for (const tree of trees) z += predictTree(tree, row);
      return z;
    },
  };
}

interface GrowContext {
  binned: Uint8Array[];
  cuts: number[][];
  gradient: Float64Array;
  hessian: Float64Array;
  settings: BoostingOptions;
}

function grow(members: number[], depth: number, context: GrowContext): TreeNode {
  const { binned, cuts, gradient, hessian, settings } = context;
  let g = 0;
  let h = 0;
  for (const i of members) {
    g += gradient[i]!;
    h += hessian[i]!;
  }
  const leaf: TreeNode = {
    leaf: true,
    value: (-g / (h + settings.lambda)) * settings.learningRate,
  };
  if (depth >= settings.maxDepth || members.length < 2 * settings.minLeafSize) return leaf;
  const parentGain = (g * g) / (h + settings.lambda);
  let best = { gain: 1e-9, feature: -1, bin: -1 };
  for (let j = 0; j < binned.length; j++) {
    const bins = cuts[j]!.length + 1;
    if (bins < 2) continue;
    const gSum = new Float64Array(bins);
    const hSum = new Float64Array(bins);
    const count = new Int32Array(bins);
    const column = binned[j]!;
    for (const i of members) {
      const b = column[i]!;
      gSum[b]! += gradient[i]!;
      hSum[b]! += hessian[i]!;
      count[b]!++;
    }
    let gLeft = 0;
    let hLeft = 0;
    let nLeft = 0;
    for (let b = 0; b < bins - 1; b++) {
      gLeft += gSum[b]!;
      hLeft += hSum[b]!;
      nLeft += count[b]!;
      const nRight = members.length - nLeft;
      if (nLeft < settings.minLeafSize || nRight < settings.minLeafSize) continue;
      const gRight = g - gLeft;
      const hRight = h - hLeft;
      const gain =
        (gLeft * gLeft) / (hLeft + settings.lambda) +
        (gRight * gRight) / (hRight + settings.lambda) -
        parentGain;
      if (gain > best.gain) best = { gain, feature: j, bin: b };
    }
  }
  if (best.feature < 0) return leaf;
  const column = binned[best.feature]!;
  const left = members.filter((i) => column[i]! <= best.bin);
  const right = members.filter((i) => column[i]! > best.bin);
  return {
    leaf: false,
    feature: best.feature,
    threshold: cuts[best.feature]![best.bin]!,
    left: grow(left, depth + 1, context),
    right: grow(right, depth + 1, context),
  };
}

function predictTree(node: TreeNode, row: ArrayLike<number>): number {
  let current = node;
  while (!current.leaf)
    current = row[current.feature]! <= current.threshold ? current.left : current.right;
  return current.value;
}

/** Distinct quantile cut points of one feature (a 0/1 column gets the single cut 0). */
function quantileCuts(rows: readonly ArrayLike<number>[], feature: number, bins: number): number[] {
  const values = rows.map((row) => row[feature]!).sort((a, b) => a - b);
  const cuts = new Set<number>();
  for (let q = 1; q < bins; q++) cuts.add(values[Math.floor((q * values.length) / bins)]!);
  // A cut at the maximum separates nothing.
  cuts.delete(values.at(-1)!);
  return [...cuts].sort((a, b) => a - b);
}

function binOf(value: number, cuts: readonly number[]): number {
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value <= cuts[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}
