/**
 * Binary logistic regression on a dense matrix, full-batch Adam with L2 (the bias is not
 * penalised). For tables of thousands of rows and up to a few hundred columns: converges in a
 * few hundred passes, deterministically (no sampling).
 */
export interface LogisticRegressionOptions {
  /** L2 penalty on the mean log loss. */
  l2: number;
  iterations: number;
  learningRate: number;
}

export const defaultLogisticRegressionOptions: LogisticRegressionOptions = {
  l2: 1e-3,
  iterations: 400,
  learningRate: 0.05,
};

export interface LogisticRegressionModel {
  readonly weights: Float64Array;
  readonly bias: number;
  logit(row: ArrayLike<number>): number;
}

export function trainLogisticRegression(
  rows: readonly ArrayLike<number>[],
  outcomes: readonly boolean[],
  options: Partial<LogisticRegressionOptions> = {},
): LogisticRegressionModel {
  const { l2, iterations, learningRate } = { ...defaultLogisticRegressionOptions, ...options };
  const n = rows.length;
  const d = n > 0 ? rows[0]!.length : 0;
  const w = new Float64Array(d);
  const positives = outcomes.filter(Boolean).length;
  // Start at the base rate so early steps learn attributes, not the prior.
  let b = Math.log(Math.max(1, positives) / Math.max(1, n - positives));
  const m = new Float64Array(d + 1);
  const v = new Float64Array(d + 1);
  const gradient = new Float64Array(d + 1);
  for (let t = 1; t <= iterations; t++) {
    gradient.fill(0);
    for (let i = 0; i < n; i++) {
      const x = rows[i]!;
      let z = b;
      for (let j = 0; j < d; j++) z += w[j]! * x[j]!;
      const error = (1 / (1 + Math.exp(-z)) - (outcomes[i] ? 1 : 0)) / n;
      for (let j = 0; j < d; j++) gradient[j]! += error * x[j]!;
      gradient[d]! += error;
    }
    for (let j = 0; j < d; j++) gradient[j]! += l2 * w[j]!;
    for (let j = 0; j <= d; j++) {
      m[j] = 0.9 * m[j]! + 0.1 * gradient[j]!;
      v[j] = 0.999 * v[j]! + 0.001 * gradient[j]! ** 2;
      const step =
        (learningRate * (m[j]! / (1 - 0.9 ** t))) / (Math.sqrt(v[j]! / (1 - 0.999 ** t)) + 1e-8);
      if (j < d) w[j]! -= step;
      else b -= step;
    }
  }
  const bias = b;
  return {
    weights: w,
    bias,
    logit(row) {
      let z = bias;
      for (let j = 0; j < d; j++) z += w[j]! * row[j]!;
      return z;
    },
  };
}
