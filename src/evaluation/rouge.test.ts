import { describe, expect, it } from 'vitest';
import { rouge, rougeMulti, rougeTokens } from './rouge.js';

describe('rouge', () => {
  it('tokenizes lowercase alphanumerics, so speaker tags count as words', () => {
    expect(rougeTokens("#Person1# asks #Person2#'s price: $5.")).toEqual([
      'person1',
      'asks',
      'person2',
      's',
      'price',
      '5',
    ]);
  });

  it('gives 1 for identical texts and 0 for disjoint ones', () => {
    expect(rouge('the cat sat', 'The cat sat.')).toEqual({ rouge1: 1, rouge2: 1, rougeL: 1 });
    expect(rouge('dog runs', 'the cat sat')).toEqual({ rouge1: 0, rouge2: 0, rougeL: 0 });
  });

  it('matches hand-computed values', () => {
    // candidate: the cat was found under the bed (7); reference: the cat was under the bed (6)
    const s = rouge('the cat was found under the bed', 'the cat was under the bed');
    expect(s.rouge1).toBeCloseTo((2 * (6 / 7) * 1) / (6 / 7 + 1), 6);
    // bigrams overlap: the cat, cat was, under the, the bed = 4 of 6 / 5
    expect(s.rouge2).toBeCloseTo((2 * (4 / 6) * (4 / 5)) / (4 / 6 + 4 / 5), 6);
    expect(s.rougeL).toBeCloseTo(s.rouge1, 6); // LCS = 6
  });

  it('averages or takes the best over several references', () => {
    const { average, best } = rougeMulti('a b', ['a b', 'c d']);
    expect(best.rouge1).toBe(1);
    expect(average.rouge1).toBe(0.5);
  });
});
