import { mulberry32, shuffleInPlace } from './random.js';
import type { SparseVector } from './sparse-vector.js';

/**
 * Multinomial logistic regression over one sparse block (n-grams, named features) and one
 * optional dense block (e.g. a sentence embedding), trained online so that a tenant's model
 * trains in seconds at run time, offline and without dependencies. A trained model saves to
 * plain arrays (`toParameters`) and loads back unchanged (`fromParameters`).
 */
export interface SoftmaxSample {
  sparse: SparseVector;
  /** Dense features (may be absent, or all zeros when e.g. no embedding exists for the text). */
  dense?: Float32Array | undefined;
  label: number;
  /** Relative weight of this sample in the loss (default 1). */
  weight?: number | undefined;
}

/**
 * Sample weights that make every class count as much as every other in the loss: `n / (k ×
 * count)` for a class with `count` of the `n` samples (1 for a class without samples), so that
 * a rare class is not drowned (macro recall).
 */
export function balancedClassWeights(labels: readonly number[], classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (const label of labels) counts[label]!++;
  return counts.map((count) => (count === 0 ? 1 : labels.length / (classCount * count)));
}

export interface SoftmaxShape {
  sparseSize: number;
  denseSize?: number;
  classCount: number;
}

export interface SoftmaxOptions {
  /**
   * `sgd`: plain SGD with a decaying rate; L2 is applied to every weight at every step through
   * one global scale factor, so a step costs only the sample's non-zeros. Suits TF-IDF input
   * (unit-length rows). `adagrad`: a rate per weight, L2 only on the weights a step touches;
   * suits many binary features of very different frequency (rare ones keep a large rate).
   */
  optimizer: 'sgd' | 'adagrad';
  epochs: number;
  /** Initial (sgd) or base (adagrad) learning rate. */
  learningRate: number;
  /** L2 penalty per sample. */
  l2: number;
  seed: number;
  /**
   * sgd only: average the weights at the end of each epoch from this share of training on
   * (0.5: the second half). 1 disables it.
   */
  averageFrom: number;
  /**
   * Number type of the stored sparse weights (and of AdaGrad's sums for them). `float32` halves
   * the memory of a large model (intent: 100k+ features × 150 classes).
   */
  sparseStorage: Storage;
  biasStorage: Storage;
  /** adagrad only: starting value of every squared-gradient sum. */
  initialSquaredGradient: number;
  /** adagrad only: whether L2 also pulls the biases towards zero. */
  l2OnBias: boolean;
}

export type Storage = 'float64' | 'float32';

export const defaultSoftmaxOptions: SoftmaxOptions = {
  optimizer: 'sgd',
  epochs: 12,
  learningRate: 0.5,
  l2: 1e-5,
  seed: 7,
  averageFrom: 1,
  sparseStorage: 'float64',
  biasStorage: 'float64',
  initialSquaredGradient: 1e-8,
  l2OnBias: true,
};

type Floats = Float32Array | Float64Array;

function allocate(storage: Storage, length: number): Floats {
  return storage === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

interface Weights {
  /** `[feature * classes + class]`. */
  sparse: Floats;
  dense: Float64Array;
  bias: Floats;
}

/** Everything a trained model is: enough to save it and load it back unchanged. */
export interface SoftmaxParameters {
  classCount: number;
  denseSize: number;
  /** Feature-major: weight of feature f for class c at `f * classCount + c`. */
  sparseWeights: Floats;
  denseWeights: Float64Array;
  bias: Floats;
}

export class SoftmaxRegression {
  private constructor(
    readonly classCount: number,
    private readonly denseSize: number,
    private readonly weights: Weights,
  ) {}

  static fromParameters(parameters: SoftmaxParameters): SoftmaxRegression {
    const { classCount, denseSize, sparseWeights, denseWeights, bias } = parameters;
    if (
      bias.length !== classCount ||
      sparseWeights.length % classCount !== 0 ||
      denseWeights.length !== denseSize * classCount
    ) {
      throw new RangeError('Softmax parameters do not fit together.');
    }
    return new SoftmaxRegression(classCount, denseSize, {
      sparse: sparseWeights,
      dense: denseWeights,
      bias,
    });
  }

  toParameters(): SoftmaxParameters {
    return {
      classCount: this.classCount,
      denseSize: this.denseSize,
      sparseWeights: this.weights.sparse,
      denseWeights: this.weights.dense,
      bias: this.weights.bias,
    };
  }

  /** Raw class scores (logits). */
  scores(sparse: SparseVector, dense?: Float32Array): Float64Array {
    const out = Float64Array.from(this.weights.bias);
    accumulate(out, sparse, dense, this.weights, this.denseSize, 1);
    return out;
  }

  probabilities(sparse: SparseVector, dense?: Float32Array): Float64Array {
    return softmaxInPlace(this.scores(sparse, dense));
  }

  static train(
    samples: readonly SoftmaxSample[],
    shape: SoftmaxShape,
    options: Partial<SoftmaxOptions> = {},
  ): SoftmaxRegression {
    const settings = { ...defaultSoftmaxOptions, ...options };
    const classes = shape.classCount;
    const denseSize = shape.denseSize ?? 0;
    const weights: Weights = {
      sparse: allocate(settings.sparseStorage, shape.sparseSize * classes),
      dense: new Float64Array(denseSize * classes),
      bias: allocate(settings.biasStorage, classes),
    };
    const trained =
      settings.optimizer === 'sgd'
        ? trainSgd(samples, weights, classes, denseSize, settings)
        : trainAdagrad(samples, weights, classes, denseSize, settings);
    return new SoftmaxRegression(classes, denseSize, trained);
  }
}

function trainSgd(
  samples: readonly SoftmaxSample[],
  weights: Weights,
  classes: number,
  denseSize: number,
  options: SoftmaxOptions,
): Weights {
  const random = mulberry32(options.seed);
  const order = samples.map((_, i) => i);
  const scores = new Float64Array(classes);
  // Effective weights are `scale * stored`; shrinking `scale` applies L2 to all at once.
  let scale = 1;
  let step = 0;
  const averaged: Weights = {
    sparse: allocate(options.sparseStorage, weights.sparse.length),
    dense: new Float64Array(weights.dense.length),
    bias: allocate(options.biasStorage, classes),
  };
  let averagedCount = 0;
  const firstAveraged = Math.min(
    options.epochs - 1,
    Math.floor(options.epochs * options.averageFrom),
  );
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const index of order) {
      const sample = samples[index]!;
      const rate = options.learningRate / (1 + options.learningRate * options.l2 * step);
      step++;
      scores.set(weights.bias);
      accumulate(scores, sample.sparse, sample.dense, weights, denseSize, scale);
      softmaxInPlace(scores);
      scale *= 1 - rate * options.l2;
      // Gradient of the (weighted) log loss: weight * (p - onehot(label)).
      scores[sample.label]! -= 1;
      const sampleWeight = sample.weight ?? 1;
      if (sampleWeight !== 1) for (let c = 0; c < classes; c++) scores[c]! *= sampleWeight;
      update(weights, sample, scores, denseSize, rate / scale);
      for (let c = 0; c < classes; c++) weights.bias[c]! -= rate * scores[c]!;
      if (scale < 1e-6) {
        // Fold the scale back in before it underflows.
        for (let i = 0; i < weights.sparse.length; i++) weights.sparse[i]! *= scale;
        for (let i = 0; i < weights.dense.length; i++) weights.dense[i]! *= scale;
        scale = 1;
      }
    }
    if (epoch >= firstAveraged) {
      // Running mean of the effective weights: avg += (w - avg) / n.
      averagedCount++;
      const share = 1 / averagedCount;
      for (const key of ['sparse', 'dense'] as const) {
        const from = weights[key];
        const to = averaged[key];
        for (let i = 0; i < from.length; i++) to[i]! += (from[i]! * scale - to[i]!) * share;
      }
      for (let c = 0; c < classes; c++)
        averaged.bias[c]! += (weights.bias[c]! - averaged.bias[c]!) * share;
    }
  }
  return averaged;
}

function trainAdagrad(
  samples: readonly SoftmaxSample[],
  weights: Weights,
  classes: number,
  denseSize: number,
  options: SoftmaxOptions,
): Weights {
  const random = mulberry32(options.seed);
  const order = samples.map((_, i) => i);
  const scores = new Float64Array(classes);
  const initial = options.initialSquaredGradient;
  const squared: Weights = {
    sparse: allocate(options.sparseStorage, weights.sparse.length).fill(initial),
    dense: new Float64Array(weights.dense.length).fill(initial),
    bias: new Float64Array(classes).fill(initial),
  };
  const { learningRate, l2 } = options;
  const biasL2 = options.l2OnBias ? l2 : 0;
  const step = (target: Floats, sums: Floats, k: number, gradient: number, penalty = l2) => {
    const g = gradient + penalty * target[k]!;
    sums[k]! += g * g;
    target[k]! -= (learningRate * g) / Math.sqrt(sums[k]!);
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const index of order) {
      const sample = samples[index]!;
      scores.set(weights.bias);
      accumulate(scores, sample.sparse, sample.dense, weights, denseSize, 1);
      softmaxInPlace(scores);
      scores[sample.label]! -= 1;
      const sampleWeight = sample.weight ?? 1;
      for (let c = 0; c < classes; c++) scores[c]! *= sampleWeight;
      for (let c = 0; c < classes; c++) step(weights.bias, squared.bias, c, scores[c]!, biasL2);
      const { indices, values } = sample.sparse;
      for (let i = 0; i < indices.length; i++) {
        const base = indices[i]! * classes;
        const x = values[i]!;
        for (let c = 0; c < classes; c++)
          step(weights.sparse, squared.sparse, base + c, scores[c]! * x);
      }
      const dense = sample.dense;
      if (dense && denseSize > 0) {
        for (let d = 0; d < denseSize; d++) {
          const x = dense[d]!;
          if (x === 0) continue;
          for (let c = 0; c < classes; c++)
            step(weights.dense, squared.dense, d * classes + c, scores[c]! * x);
        }
      }
    }
  }
  return weights;
}

/** `weights -= factor * gradient ⊗ x` over the sample's non-zeros. */
function update(
  weights: Weights,
  sample: SoftmaxSample,
  gradient: Float64Array,
  denseSize: number,
  factor: number,
): void {
  const classes = gradient.length;
  const { indices, values } = sample.sparse;
  for (let i = 0; i < indices.length; i++) {
    const base = indices[i]! * classes;
    const x = values[i]! * factor;
    for (let c = 0; c < classes; c++) weights.sparse[base + c]! -= x * gradient[c]!;
  }
  const dense = sample.dense;
  if (dense && denseSize > 0) {
    for (let d = 0; d < denseSize; d++) {
      const value = dense[d]!;
      if (value === 0) continue;
      const base = d * classes;
      const x = value * factor;
      for (let c = 0; c < classes; c++) weights.dense[base + c]! -= x * gradient[c]!;
    }
  }
}

function accumulate(
  out: Float64Array,
  sparse: SparseVector,
  dense: Float32Array | undefined,
  weights: Weights,
  denseSize: number,
  scale: number,
): void {
  const classes = out.length;
  const { indices, values } = sparse;
  for (let i = 0; i < indices.length; i++) {
    const base = indices[i]! * classes;
    const x = values[i]! * scale;
    for (let c = 0; c < classes; c++) out[c]! += x * weights.sparse[base + c]!;
  }
  if (dense && denseSize > 0) {
    for (let d = 0; d < denseSize; d++) {
      const value = dense[d]!;
      if (value === 0) continue;
      const base = d * classes;
      const x = value * scale;
      for (let c = 0; c < classes; c++) out[c]! += x * weights.dense[base + c]!;
    }
  }
}

export function softmaxInPlace(scores: Float64Array): Float64Array {
  let max = -Infinity;
  for (const value of scores) if (value > max) max = value;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const value = Math.exp(scores[c]! - max);
    scores[c] = value;
    sum += value;
  }
  for (let c = 0; c < scores.length; c++) scores[c]! /= sum;
  return scores;
}
