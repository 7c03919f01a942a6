import { CuecardError } from '../../errors/cuecard-error.js';
import { TabularRiskModel, type CustomerRecord } from '../../wrap-up/churn/tabular-model.js';
import { rocAuc } from '../../learning/roc-auc.js';
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

export { rocAuc };

export const task: EvalTask = {
  name: 'churn',
  description:
    'Churn risk from a customer table: inferred column types, one-hot + standardised + log + binned features; L2 logistic regression blended with boosted trees, both chosen by cross-validation',
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
    const selection = model.selection;
    reporter.progress(
      `trained on ${records.length} customers` +
        (selection
          ? ` (L2 ${selection.l2}, linear share ${selection.linearShare}` +
            (selection.cvAuc === null
              ? ')'
              : `, cross-validated AUC ${selection.cvAuc.toFixed(4)})`)
          : ''),
    );
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
