import { describe, expect, it } from 'vitest';
import { macroRecall, selectByCrossValidation, tuneOffsets } from './model-selection.js';
import type { SparseVector } from '../../learning/sparse-vector.js';

const log = (probabilities: number[]): Float64Array => Float64Array.from(probabilities, Math.log);

describe('prior correction of the decision', () => {
  it('gives a label the classifier under-predicts a boost that evens out the recalls', () => {
    // Label 2 is always the runner-up (0.4 vs 0.6): plain argmax never finds it.
    const rows = [
      ...Array.from({ length: 40 }, () => ({ p: log([0.6, 0.2, 0.2]), gold: 0 })),
      ...Array.from({ length: 40 }, () => ({ p: log([0.1, 0.8, 0.1]), gold: 1 })),
      ...Array.from({ length: 20 }, () => ({ p: log([0.55, 0.05, 0.4]), gold: 2 })),
    ];
    const probabilities = rows.map((row) => row.p);
    const gold = rows.map((row) => row.gold);
    expect(macroRecall(probabilities, gold, [0, 0, 0])).toBeCloseTo(2 / 3);
    const offsets = tuneOffsets(probabilities, gold, 3);
    expect(offsets[0]).toBe(0);
    expect(offsets[2]).toBeGreaterThan(0);
    expect(macroRecall(probabilities, gold, offsets)).toBe(1);
  });

  it('leaves a well-calibrated classifier alone', () => {
    const probabilities = [log([0.9, 0.1]), log([0.2, 0.8]), log([0.7, 0.3]), log([0.3, 0.7])];
    expect(tuneOffsets(probabilities, [0, 1, 0, 1], 2)).toEqual([0, 0]);
  });
});

describe('choosing settings by cross-validation', () => {
  it('prefers the feature set that carries the signal', () => {
    // Feature 1 says the label; feature 2 is noise. Candidate "useful" sees feature 1.
    const labels = Array.from({ length: 60 }, (_, i) => i % 2);
    const vector = (index: number, value: number): SparseVector => ({
      indices: Int32Array.from([0, index]),
      values: Float32Array.from([1, value]),
    });
    const selection = selectByCrossValidation({
      candidates: [
        { config: 'noise', train: { epochs: 5 } },
        { config: 'useful', train: { epochs: 5 } },
      ],
      vectors: (config) =>
        labels.map((label, i) =>
          config === 'useful' ? vector(1, label === 1 ? 1 : -1) : vector(2, (i * 7919) % 3),
        ),
      labels,
      classes: 2,
      dimensions: 3,
      folds: 3,
    });
    expect(selection.chosen.config).toBe('useful');
    expect(selection.recalls[1]).toBe(1);
  });
});
