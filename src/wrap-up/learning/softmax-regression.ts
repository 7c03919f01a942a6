import type { SparseVector } from './tfidf.js';

export interface SoftmaxOptions {
  epochs?: number;
  learningRate?: number;
  /** L2 penalty per example step. */
  l2?: number;
  seed?: number;
}

/** Deterministic PRNG so that training twice on the same data gives the same model. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Multinomial logistic regression on sparse features, trained by SGD with L2. The L2 shrink is
 * folded into one global scale factor so each step costs only the example's non-zeros.
 */
export class SoftmaxRegression {
  private weights: Float64Array[] = [];
  private bias = new Float64Array(0);
  private scale = 1;

  constructor(
    readonly classes: readonly string[],
    private readonly dimension: number,
  ) {
    this.weights = classes.map(() => new Float64Array(dimension));
    this.bias = new Float64Array(classes.length);
  }

  train(
    examples: readonly SparseVector[],
    labels: readonly number[],
    weights: readonly number[] | undefined,
    options: SoftmaxOptions = {},
  ): void {
    const epochs = options.epochs ?? 12;
    const rate0 = options.learningRate ?? 0.5;
    const l2 = options.l2 ?? 1e-5;
    const random = mulberry32(options.seed ?? 7);
    const order = examples.map((_, i) => i);
    const k = this.classes.length;
    const probabilities = new Float64Array(k);
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const index of order) {
        const rate = rate0 / (1 + step++ / Math.max(1, examples.length));
        const x = examples[index]!;
        this.probabilities(x, probabilities);
        const weight = weights?.[index] ?? 1;
        this.scale *= 1 - rate * l2;
        if (this.scale < 1e-6) this.rescale();
        for (let c = 0; c < k; c++) {
          const gradient = (probabilities[c]! - (labels[index] === c ? 1 : 0)) * weight;
          if (gradient === 0) continue;
          const row = this.weights[c]!;
          const delta = (rate * gradient) / this.scale;
          for (let f = 0; f < x.indices.length; f++) row[x.indices[f]!]! -= delta * x.values[f]!;
          this.bias[c]! -= rate * gradient * 0.1;
        }
      }
    }
    this.rescale();
  }

  private rescale(): void {
    for (const row of this.weights) for (let f = 0; f < row.length; f++) row[f]! *= this.scale;
    this.scale = 1;
  }

  probabilities(x: SparseVector, out = new Float64Array(this.classes.length)): Float64Array {
    let max = -Infinity;
    for (let c = 0; c < this.classes.length; c++) {
      const row = this.weights[c]!;
      let dot = 0;
      for (let f = 0; f < x.indices.length; f++) dot += row[x.indices[f]!]! * x.values[f]!;
      out[c] = this.bias[c]! + dot * this.scale;
      if (out[c]! > max) max = out[c]!;
    }
    let sum = 0;
    for (let c = 0; c < this.classes.length; c++) {
      out[c] = Math.exp(out[c]! - max);
      sum += out[c]!;
    }
    for (let c = 0; c < this.classes.length; c++) out[c]! /= sum;
    return out;
  }

  get featureCount(): number {
    return this.dimension;
  }
}
