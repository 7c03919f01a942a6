import { CuecardError } from '../../errors/cuecard-error.js';

/** One customer row as read from a table: column name → raw cell text. */
export type CustomerRecord = Readonly<Record<string, string | undefined>>;

interface NumericColumn {
  kind: 'numeric';
  name: string;
  mean: number;
  std: number;
  median: number;
  /** Upper edges of quantile bins; a bin one-hot lets a linear model bend (e.g. tenure). */
  edges: number[];
  hasMissing: boolean;
}

interface CategoricalColumn {
  kind: 'categorical';
  name: string;
  levels: string[];
}

type Column = NumericColumn | CategoricalColumn;

interface Feature {
  column: string;
  label: string;
}

export interface RiskReason {
  /** The customer attribute, e.g. "Contract". */
  attribute: string;
  /** What about it, e.g. "Contract = Month-to-month". */
  detail: string;
  /** Contribution to the log-odds relative to an average customer (positive raises risk). */
  contribution: number;
}

export interface TabularModelOptions {
  l2?: number;
  iterations?: number;
  bins?: number;
  /** Columns never used as attributes (identifiers, free text). */
  exclude?: readonly string[];
}

function parseNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : null;
}

/**
 * Churn propensity from a customer table: column types inferred from the data (numeric when
 * nearly every non-blank cell is a number), blanks imputed with an indicator, categoricals
 * one-hot, numerics standardised and also binned by quantiles; L2 logistic regression.
 * Linear on purpose: each prediction decomposes into per-attribute reasons an agent can read.
 */
export class TabularRiskModel {
  private columns: Column[] = [];
  private features: Feature[] = [];
  private weights = new Float64Array(0);
  private bias = 0;
  private featureMeans = new Float64Array(0);

  constructor(private readonly options: TabularModelOptions = {}) {}

  fit(records: readonly CustomerRecord[], outcomes: readonly boolean[]): void {
    if (records.length !== outcomes.length)
      throw new Error('records and outcomes differ in length');
    const positives = outcomes.filter(Boolean).length;
    if (positives === 0 || positives === records.length) {
      throw new CuecardError(
        'validation_failed',
        'churn training needs customers who churned and customers who stayed',
      );
    }
    this.columns = inferColumns(records, this.options);
    this.features = this.columns.flatMap((column) => featureNames(column));
    const matrix = records.map((record) => this.encode(record));
    const d = this.features.length;
    this.featureMeans = new Float64Array(d);
    for (const row of matrix)
      for (let j = 0; j < d; j++) this.featureMeans[j]! += row[j]! / matrix.length;
    this.train(matrix, outcomes);
  }

  private train(matrix: readonly Float64Array[], outcomes: readonly boolean[]): void {
    const d = this.features.length;
    const n = matrix.length;
    const l2 = this.options.l2 ?? 1e-3;
    const iterations = this.options.iterations ?? 400;
    const w = new Float64Array(d);
    let b = Math.log(outcomes.filter(Boolean).length / outcomes.filter((o) => !o).length);
    // Full-batch Adam: a few thousand rows × a hundred features converge in milliseconds, deterministically.
    const m = new Float64Array(d + 1);
    const v = new Float64Array(d + 1);
    const gradient = new Float64Array(d + 1);
    const rate = 0.05;
    for (let t = 1; t <= iterations; t++) {
      gradient.fill(0);
      for (let i = 0; i < n; i++) {
        const x = matrix[i]!;
        let z = b;
        for (let j = 0; j < d; j++) z += w[j]! * x[j]!;
        const error = 1 / (1 + Math.exp(-z)) - (outcomes[i] ? 1 : 0);
        for (let j = 0; j < d; j++) gradient[j]! += (error * x[j]!) / n;
        gradient[d]! += error / n;
      }
      for (let j = 0; j < d; j++) gradient[j]! += l2 * w[j]!;
      for (let j = 0; j <= d; j++) {
        m[j] = 0.9 * m[j]! + 0.1 * gradient[j]!;
        v[j] = 0.999 * v[j]! + 0.001 * gradient[j]! ** 2;
        const step =
          (rate * (m[j]! / (1 - 0.9 ** t))) / (Math.sqrt(v[j]! / (1 - 0.999 ** t)) + 1e-8);
        if (j < d) w[j]! -= step;
        else b -= step;
      }
    }
    this.weights = w;
    this.bias = b;
  }

  private encode(record: CustomerRecord): Float64Array {
    const x = new Float64Array(this.features.length);
    let k = 0;
    for (const column of this.columns) {
      if (column.kind === 'numeric') {
        const raw = parseNumber(record[column.name]);
        const value = raw ?? column.median;
        x[k++] = (value - column.mean) / column.std;
        const bin = column.edges.findIndex((edge) => value <= edge);
        for (let i = 0; i <= column.edges.length; i++)
          x[k++] = (bin === -1 ? column.edges.length : bin) === i ? 1 : 0;
        if (column.hasMissing) x[k++] = raw === null ? 1 : 0;
      } else {
        const value = (record[column.name] ?? '').trim();
        for (const level of column.levels) x[k++] = value === level ? 1 : 0;
      }
    }
    return x;
  }

  /** Probability in [0, 1] that this customer churns, from attributes alone. */
  predict(record: CustomerRecord): number {
    return 1 / (1 + Math.exp(-this.logit(record)));
  }

  logit(record: CustomerRecord): number {
    const x = this.encode(record);
    let z = this.bias;
    for (let j = 0; j < x.length; j++) z += this.weights[j]! * x[j]!;
    return z;
  }

  /** Per-attribute contributions to the log-odds against the average customer, largest first. */
  explain(record: CustomerRecord, top = 3): RiskReason[] {
    const x = this.encode(record);
    const byColumn = new Map<string, number>();
    for (let j = 0; j < x.length; j++) {
      const feature = this.features[j]!;
      byColumn.set(
        feature.column,
        (byColumn.get(feature.column) ?? 0) + this.weights[j]! * (x[j]! - this.featureMeans[j]!),
      );
    }
    return [...byColumn]
      .map(([attribute, contribution]) => ({
        attribute,
        detail: `${attribute} = ${(record[attribute] ?? '').trim() || '(blank)'}`,
        contribution,
      }))
      .sort((a, b) => b.contribution - a.contribution)
      .slice(0, top);
  }
}

function inferColumns(records: readonly CustomerRecord[], options: TabularModelOptions): Column[] {
  const names = Object.keys(records[0] ?? {}).filter(
    (name) => !(options.exclude ?? []).includes(name),
  );
  const bins = options.bins ?? 10;
  const columns: Column[] = [];
  for (const name of names) {
    const cells = records.map((record) => (record[name] ?? '').trim());
    const filled = cells.filter((cell) => cell !== '');
    const numbers = filled.map((cell) => parseNumber(cell)).filter((n): n is number => n !== null);
    const distinct = new Set(filled);
    // A column of ids (every value different, not numeric) carries no generalisable signal.
    if (numbers.length < filled.length * 0.95 && distinct.size > records.length * 0.5) continue;
    if (filled.length > 0 && numbers.length >= filled.length * 0.95 && distinct.size > 2) {
      const sorted = [...numbers].sort((a, b) => a - b);
      const mean = numbers.reduce((sum, n) => sum + n, 0) / numbers.length;
      const std =
        Math.sqrt(numbers.reduce((sum, n) => sum + (n - mean) ** 2, 0) / numbers.length) || 1;
      const edges = [
        ...new Set(
          Array.from(
            { length: bins - 1 },
            (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / bins)]!,
          ),
        ),
      ];
      columns.push({
        kind: 'numeric',
        name,
        mean,
        std,
        median: sorted[Math.floor(sorted.length / 2)]!,
        edges,
        hasMissing: filled.length < cells.length,
      });
    } else {
      // Rare levels would only be memorised; they fall into "none of the above" (all zeros).
      const counts = new Map<string, number>();
      for (const cell of cells) counts.set(cell, (counts.get(cell) ?? 0) + 1);
      const levels = [...counts]
        .filter(([, count]) => count >= Math.max(5, records.length * 0.002))
        .map(([level]) => level)
        .sort();
      if (levels.length > 0) columns.push({ kind: 'categorical', name, levels });
    }
  }
  return columns;
}

function featureNames(column: Column): Feature[] {
  if (column.kind === 'categorical')
    return column.levels.map((level) => ({
      column: column.name,
      label: `${column.name}=${level}`,
    }));
  return [
    { column: column.name, label: column.name },
    ...Array.from({ length: column.edges.length + 1 }, (_, i) => ({
      column: column.name,
      label: `${column.name}#bin${i}`,
    })),
    ...(column.hasMissing ? [{ column: column.name, label: `${column.name}#missing` }] : []),
  ];
}
