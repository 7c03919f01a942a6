import { describe, expect, it } from 'vitest';
import { outOfFold, stratifiedFolds } from './cross-validation.js';

describe('cross-validation', () => {
  it('spreads every class evenly over the folds, reproducibly', () => {
    const labels = [...Array<string>(50).fill('common'), ...Array<string>(10).fill('rare')];
    const folds = stratifiedFolds(labels, 5, 4);
    for (let fold = 0; fold < 5; fold++) {
      expect(labels.filter((label, i) => label === 'rare' && folds[i] === fold)).toHaveLength(2);
      expect(folds.filter((f) => f === fold)).toHaveLength(12);
    }
    expect(stratifiedFolds(labels, 5, 4)).toEqual(folds);
  });

  it('predicts every example with a model that never saw it', () => {
    const folds = stratifiedFolds(
      Array.from({ length: 20 }, (_, i) => i % 2),
      4,
    );
    const predictions = outOfFold(folds, 4, (train, heldOut) =>
      heldOut.map((i) => (train.includes(i) ? 'leak' : `ok${i}`)),
    );
    expect(predictions).toEqual(Array.from({ length: 20 }, (_, i) => `ok${i}`));
    const subsampled = outOfFold(
      folds.map((fold, i) => (i < 10 ? fold : -1)),
      4,
      (train, heldOut) => {
        expect(Math.max(...train, ...heldOut)).toBeLessThan(10);
        return heldOut.map(() => 'seen');
      },
    );
    expect(subsampled.filter((p) => p === 'seen')).toHaveLength(10);
  });
});
