/**
 * Multinomial logistic regression over sparse, named features, trained with AdaGrad.
 * Small and dependency-free on purpose: next-best-action models are trained at run time from a
 * tenant's own labelled conversations (seconds, not minutes), and must run offline.
 */
export type FeatureVector = ReadonlyMap<string, number>;

export interface SoftmaxExample {
  features: FeatureVector;
  label: string;
  /** Relative weight of this example in the loss (default 1). */
  weight?: number;
}

export interface SoftmaxOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty applied lazily to the weights a step touches. */
  l2?: number;
  /** Features seen fewer times than this in training are dropped (noise, memory). */
  minFeatureCount?: number;
  /** Shuffle seed, so a training run is reproducible. */
  seed?: number;
}

export interface RankedLabel {
  label: string;
  probability: number;
}

export interface SoftmaxModel {
  readonly labels: readonly string[];
  /** Every label, most probable first. */
  rank(features: FeatureVector): RankedLabel[];
}

function createRandom(seed: number): () => number {
  // mulberry32: deterministic shuffles across runs and machines.
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface IndexedExample {
  indices: Int32Array;
  values: Float32Array;
  label: number;
  weight: number;
}

function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const score of scores) if (score > max) max = score;
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    scores[i] = Math.exp(scores[i]! - max);
    sum += scores[i]!;
  }
  for (let i = 0; i < scores.length; i++) scores[i]! /= sum;
}

export function trainSoftmax(
  examples: readonly SoftmaxExample[],
  options: SoftmaxOptions = {},
): SoftmaxModel {
  const epochs = options.epochs ?? 12;
  const learningRate = options.learningRate ?? 0.3;
  const l2 = options.l2 ?? 1e-6;
  const minCount = options.minFeatureCount ?? 1;
  const random = createRandom(options.seed ?? 7);

  const labels = [...new Set(examples.map((example) => example.label))].sort();
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const counts = new Map<string, number>();
  for (const example of examples) {
    for (const name of example.features.keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const featureIndex = new Map<string, number>();
  for (const [name, count] of counts)
    if (count >= minCount) featureIndex.set(name, featureIndex.size);

  const classes = labels.length;
  // One bias row at index 0, then one row per feature.
  const weights = new Float64Array((featureIndex.size + 1) * classes);
  const squaredGradients = new Float64Array(weights.length).fill(1e-8);

  const indexed: IndexedExample[] = examples.map((example) => {
    const indices: number[] = [0];
    const values: number[] = [1];
    for (const [name, value] of example.features) {
      const index = featureIndex.get(name);
      if (index === undefined || value === 0) continue;
      indices.push(index + 1);
      values.push(value);
    }
    return {
      indices: Int32Array.from(indices),
      values: Float32Array.from(values),
      label: labelIndex.get(example.label)!,
      weight: example.weight ?? 1,
    };
  });

  const scores = new Float64Array(classes);
  const order = indexed.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const position of order) {
      const example = indexed[position]!;
      scores.fill(0);
      for (let f = 0; f < example.indices.length; f++) {
        const row = example.indices[f]! * classes;
        const value = example.values[f]!;
        for (let c = 0; c < classes; c++) scores[c]! += weights[row + c]! * value;
      }
      softmaxInPlace(scores);
      for (let f = 0; f < example.indices.length; f++) {
        const row = example.indices[f]! * classes;
        const value = example.values[f]!;
        for (let c = 0; c < classes; c++) {
          const k = row + c;
          const gradient =
            example.weight * (scores[c]! - (c === example.label ? 1 : 0)) * value +
            l2 * weights[k]!;
          squaredGradients[k]! += gradient * gradient;
          weights[k]! -= (learningRate * gradient) / Math.sqrt(squaredGradients[k]!);
        }
      }
    }
  }

  return {
    labels,
    rank(features) {
      const result = new Float64Array(classes);
      for (let c = 0; c < classes; c++) result[c] = weights[c]!;
      for (const [name, value] of features) {
        const index = featureIndex.get(name);
        if (index === undefined) continue;
        const row = (index + 1) * classes;
        for (let c = 0; c < classes; c++) result[c]! += weights[row + c]! * value;
      }
      softmaxInPlace(result);
      return labels
        .map((label, c) => ({ label, probability: result[c]! }))
        .sort((a, b) => b.probability - a.probability);
    },
  };
}
