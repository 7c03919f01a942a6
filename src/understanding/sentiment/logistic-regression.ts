/**
 * Multinomial logistic regression over sparse hashed features, trained with AdaGrad SGD.
 * Small and fast enough to train per tenant at run time (15k examples in a few seconds) and to
 * predict per utterance in microseconds.
 */
export interface SparseVector {
  indices: Uint32Array;
  values: Float32Array;
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Weight each class by 1/frequency, so a rare class is not drowned (macro recall). */
  balanceClasses?: boolean;
  seed?: number;
}

export class LogisticRegression {
  readonly classes: number;
  readonly dimensions: number;
  private readonly weights: Float32Array;
  private readonly bias: Float64Array;

  constructor(dimensions: number, classes: number) {
    this.dimensions = dimensions;
    this.classes = classes;
    this.weights = new Float32Array(dimensions * classes);
    this.bias = new Float64Array(classes);
  }

  /** Class probabilities for one example. */
  predict(x: SparseVector, out = new Float64Array(this.classes)): Float64Array {
    const k = this.classes;
    for (let c = 0; c < k; c++) out[c] = this.bias[c]!;
    for (let i = 0; i < x.indices.length; i++) {
      const base = x.indices[i]! * k;
      const value = x.values[i]!;
      for (let c = 0; c < k; c++) out[c] = out[c]! + this.weights[base + c]! * value;
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, out[c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      out[c] = Math.exp(out[c]! - max);
      sum += out[c]!;
    }
    for (let c = 0; c < k; c++) out[c] = out[c]! / sum;
    return out;
  }

  train(
    examples: readonly SparseVector[],
    labels: readonly number[],
    options: TrainOptions = {},
  ): void {
    const k = this.classes;
    const epochs = options.epochs ?? 8;
    const rate = options.learningRate ?? 0.3;
    const l2 = options.l2 ?? 1e-4;
    const counts = new Array<number>(k).fill(0);
    for (const label of labels) counts[label]!++;
    const classWeight = counts.map((count) =>
      options.balanceClasses === false || count === 0 ? 1 : examples.length / (k * count),
    );
    const gradSquares = new Float32Array(this.weights.length).fill(1e-6);
    const biasSquares = new Float64Array(k).fill(1e-6);
    const order = examples.map((_, i) => i);
    let seed = options.seed ?? 1;
    const random = (): number => {
      // mulberry32: deterministic shuffles, so a retrain gives the same model.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const probabilities = new Float64Array(k);
    const gradient = new Float64Array(k);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const index of order) {
        const x = examples[index]!;
        const label = labels[index]!;
        this.predict(x, probabilities);
        const weight = classWeight[label]!;
        for (let c = 0; c < k; c++)
          gradient[c] = (probabilities[c]! - (c === label ? 1 : 0)) * weight;
        for (let c = 0; c < k; c++) {
          biasSquares[c] = biasSquares[c]! + gradient[c]! * gradient[c]!;
          this.bias[c] = this.bias[c]! - (rate * gradient[c]!) / Math.sqrt(biasSquares[c]!);
        }
        for (let i = 0; i < x.indices.length; i++) {
          const base = x.indices[i]! * k;
          const value = x.values[i]!;
          for (let c = 0; c < k; c++) {
            const w = this.weights[base + c]!;
            // L2 applied lazily, only to the weights this example touches.
            const g = gradient[c]! * value + l2 * w;
            gradSquares[base + c] = gradSquares[base + c]! + g * g;
            this.weights[base + c] = w - (rate * g) / Math.sqrt(gradSquares[base + c]!);
          }
        }
      }
    }
  }
}
