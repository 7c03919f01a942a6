import { describe, expect, it } from 'vitest';
import { trainBoostedTrees } from './gradient-boosted-trees.js';
import { trainLogisticRegression } from './logistic-regression.js';
import { mulberry32 } from './random.js';
import { rocAuc } from './roc-auc.js';

/** Churn only when both flags are set or neither is (XOR-like): no single attribute tells. */
function interactionData(n: number, seed: number) {
  const random = mulberry32(seed);
  const rows: number[][] = [];
  const outcomes: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const a = random() < 0.5 ? 1 : 0;
    const b = random() < 0.5 ? 1 : 0;
    rows.push([a, b, random()]);
    outcomes.push(random() < (a === b ? 0.8 : 0.2));
  }
  return { rows, outcomes };
}

describe('boosted trees and logistic regression', () => {
  const train = interactionData(1000, 1);
  const test = interactionData(500, 2);

  it('trees find an interaction a linear model cannot', () => {
    const trees = trainBoostedTrees(train.rows, train.outcomes, { trees: 50 });
    const linear = trainLogisticRegression(train.rows, train.outcomes);
    const auc = (score: (row: number[]) => number) => rocAuc(test.rows.map(score), test.outcomes);
    expect(auc((row) => trees.logit(row))).toBeGreaterThan(0.75);
    expect(auc((row) => linear.logit(row))).toBeLessThan(0.6);
  });

  it('logistic regression recovers the direction of a main effect', () => {
    const random = mulberry32(5);
    const rows = Array.from({ length: 600 }, () => [random() * 2 - 1]);
    const outcomes = rows.map(([x]) => random() < 1 / (1 + Math.exp(-3 * x!)));
    const model = trainLogisticRegression(rows, outcomes, { l2: 0 });
    expect(model.weights[0]).toBeGreaterThan(2);
    expect(model.logit([1])).toBeGreaterThan(model.logit([-1]));
  });
});
