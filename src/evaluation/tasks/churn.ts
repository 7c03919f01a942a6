import { CuecardError } from '../../errors/cuecard-error.js';
import { TabularRiskModel, type CustomerRecord } from '../../wrap-up/churn/tabular-model.js';
import { dataError, readCsv, writeJsonl, type Row } from '../io.js';
import type { EvalTask } from '../task.js';

function findColumn(file: string, header: readonly string[], wanted: string): string {
  const found = header.find((name) => name.trim().toLowerCase() === wanted.toLowerCase());
  if (!found)
    throw new CuecardError('data_invalid', `${file}: no "${wanted}" column in the header`, {
      field: wanted,
    });
  return found;
}

function outcomeOf(file: string, row: Row, column: string): boolean | null {
  const value = String(row.value[column] ?? '')
    .trim()
    .toLowerCase();
  if (['yes', 'true', '1', 'churned', 'y'].includes(value)) return true;
  if (['no', 'false', '0', 'stayed', 'n'].includes(value)) return false;
  if (value === '') return null;
  throw dataError(file, row.line, column, `must be Yes or No, got "${value.slice(0, 20)}"`);
}

/** ROC-AUC by the rank-sum formula, ties counted half. */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores
    .map((score, i) => ({ score, label: labels[i]! }))
    .sort((a, b) => a.score - b.score);
  let rankSumPositives = 0;
  let positives = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]!.score === order[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (order[k]!.label) {
        rankSumPositives += averageRank;
        positives++;
      }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export const task: EvalTask = {
  name: 'churn',
  description:
    'Churn risk from a customer table: inferred column types, one-hot + standardised + binned features, L2 logistic regression',
  async run(args, reporter) {
    if (!args.train)
      throw new CuecardError(
        'validation_failed',
        'churn needs --train FILE.csv with known outcomes',
      );
    const train = await readCsv(args.train);
    const idColumn = findColumn(args.train, train.header, 'customerID');
    const labelColumn = findColumn(args.train, train.header, 'Churn');
    const records: CustomerRecord[] = [];
    const outcomes: boolean[] = [];
    for (const row of train.rows) {
      const outcome = outcomeOf(args.train, row, labelColumn);
      if (outcome === null) continue;
      records.push(row.value as CustomerRecord);
      outcomes.push(outcome);
    }
    const model = new TabularRiskModel({ exclude: [idColumn, labelColumn] });
    model.fit(records, outcomes);
    reporter.progress(`trained on ${records.length} customers`);
    const test = await readCsv(args.test);
    const testId = findColumn(args.test, test.header, 'customerID');
    const testLabel = test.header.find((name) => name.trim().toLowerCase() === 'churn');
    const out = writeJsonl(args.out);
    const scores: number[] = [];
    const labels: boolean[] = [];
    for (const row of test.rows) {
      const id = String(row.value[testId] ?? '').trim();
      if (id === '') throw dataError(args.test, row.line, testId, 'is empty');
      const risk = model.predict(row.value as CustomerRecord);
      out.write({ id, risk: Number(risk.toFixed(6)) });
      const outcome = testLabel ? outcomeOf(args.test, row, testLabel) : null;
      if (outcome !== null) {
        scores.push(risk);
        labels.push(outcome);
      }
    }
    await out.close();
    return { n: test.rows.length, roc_auc: rocAuc(scores, labels) };
  },
};
