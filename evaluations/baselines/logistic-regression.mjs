// Reference multinomial logistic regression for the baselines, written to behave like
// scikit-learn's LogisticRegression() defaults: L2 with C = 1 on the summed log loss, intercept
// not penalised, minimised by L-BFGS to convergence. Dense rows or sparse {indices, values} rows.
// Not used by the product: it exists so dev figures compare against the held-out marks' method.

/** rows: array of {indices: number[], values: number[]}; labels: class numbers 0..k-1. */
export function fitLogisticRegression(
  rows,
  labels,
  dimension,
  classes,
  { C = 1, maxIterations = 500 } = {},
) {
  const size = (dimension + 1) * classes; // last block: intercepts
  const objective = (w, gradient) => {
    gradient.fill(0);
    let loss = 0;
    const z = new Float64Array(classes);
    for (let i = 0; i < rows.length; i++) {
      const { indices, values } = rows[i];
      for (let c = 0; c < classes; c++) z[c] = w[dimension * classes + c];
      for (let f = 0; f < indices.length; f++)
        for (let c = 0; c < classes; c++) z[c] += w[indices[f] * classes + c] * values[f];
      let max = -Infinity;
      for (const v of z) max = Math.max(max, v);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(z[c] - max);
      loss += max + Math.log(sum) - z[labels[i]];
      for (let c = 0; c < classes; c++) {
        const error = Math.exp(z[c] - max) / sum - (c === labels[i] ? 1 : 0);
        gradient[dimension * classes + c] += error;
        for (let f = 0; f < indices.length; f++)
          gradient[indices[f] * classes + c] += error * values[f];
      }
    }
    for (let j = 0; j < dimension * classes; j++) {
      loss += (w[j] * w[j]) / (2 * C);
      gradient[j] += w[j] / C;
    }
    return loss;
  };
  const w = lbfgs(objective, new Float64Array(size), maxIterations);
  return {
    probabilities(row) {
      const z = new Float64Array(classes);
      for (let c = 0; c < classes; c++) z[c] = w[dimension * classes + c];
      for (let f = 0; f < row.indices.length; f++)
        for (let c = 0; c < classes; c++) z[c] += w[row.indices[f] * classes + c] * row.values[f];
      let max = -Infinity;
      for (const v of z) max = Math.max(max, v);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += z[c] = Math.exp(z[c] - max);
      return Array.from(z, (v) => v / sum);
    },
  };
}

/** Limited-memory BFGS (m = 10) with a backtracking Armijo line search. */
function lbfgs(objective, x, maxIterations, memory = 10, tolerance = 1e-5) {
  const n = x.length;
  let g = new Float64Array(n);
  let f = objective(x, g);
  const history = [];
  const dot = (a, b) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i] * b[i];
    return s;
  };
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const q = Float64Array.from(g);
    const alphas = [];
    for (let k = history.length - 1; k >= 0; k--) {
      const { s, y, rho } = history[k];
      const alpha = rho * dot(s, q);
      alphas[k] = alpha;
      for (let i = 0; i < n; i++) q[i] -= alpha * y[i];
    }
    const last = history.at(-1);
    const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1 / Math.sqrt(dot(g, g));
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let k = 0; k < history.length; k++) {
      const { s, y, rho } = history[k];
      const beta = rho * dot(y, q);
      for (let i = 0; i < n; i++) q[i] += s[i] * (alphas[k] - beta);
    }
    const slope = -dot(g, q);
    let step = 1;
    const next = new Float64Array(n);
    const nextGradient = new Float64Array(n);
    let nextF;
    for (;;) {
      for (let i = 0; i < n; i++) next[i] = x[i] - step * q[i];
      nextF = objective(next, nextGradient);
      if (nextF <= f + 1e-4 * step * slope || step < 1e-10) break;
      step /= 2;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = next[i] - x[i];
      y[i] = nextGradient[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      history.push({ s, y, rho: 1 / sy });
      if (history.length > memory) history.shift();
    }
    const change = Math.abs(f - nextF) / Math.max(1, Math.abs(f));
    x = next;
    g = nextGradient;
    f = nextF;
    if (change < tolerance * 1e-3 || Math.sqrt(dot(g, g)) < tolerance) break;
  }
  return x;
}
