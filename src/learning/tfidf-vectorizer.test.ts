import { describe, expect, it } from 'vitest';
import { addCharNgrams, addWordNgrams } from './text-features.js';
import { TfidfVectorizer } from './tfidf-vectorizer.js';

function bag(text: string): Map<string, number> {
  const words = text.split(' ');
  const out = new Map<string, number>();
  addWordNgrams(out, 'w', words, 2);
  addCharNgrams(out, 'c', words, 3, 3);
  return out;
}

const norm = (values: Float32Array, pick: (i: number) => boolean) =>
  Math.sqrt(values.reduce((sum, value, i) => (pick(i) ? sum + value * value : sum), 0));

describe('TfidfVectorizer', () => {
  const documents = ['refund my order', 'refund my refund please', 'track my order'].map(bag);

  it('scales each block to its weight and ignores features it never saw', () => {
    const vectorizer = TfidfVectorizer.fit(documents, { blockWeights: { c: 0.5 } });
    const x = vectorizer.transform(bag('refund my zorblax'));
    const words = vectorizer.transform(new Map([['w:refund', 1]]));
    expect(words.indices).toHaveLength(1);
    expect(words.values[0]).toBeCloseTo(1, 6);
    // Word block: refund, my (known) → unit length; character block at weight 0.5.
    const wordIndices = new Set(
      ['w:refund', 'w:my', 'w:refund my'].flatMap((name) => [
        ...vectorizer.transform(new Map([[name, 1]])).indices,
      ]),
    );
    const isWord = (i: number) => wordIndices.has(x.indices[i]!);
    expect(norm(x.values, isWord)).toBeCloseTo(1, 5);
    expect(norm(x.values, (i) => !isWord(i))).toBeCloseTo(0.5, 5);
  });

  it('weighs rare words above common ones, and drops features below minDf', () => {
    const vectorizer = TfidfVectorizer.fit(documents);
    const x = vectorizer.transform(
      new Map([
        ['w:track', 1],
        ['w:my', 1],
      ]),
    );
    const [track, my] = [x.values[0]!, x.values[1]!];
    expect(track).toBeGreaterThan(my);
    const pruned = TfidfVectorizer.fit(documents, { minDf: 2 });
    expect(pruned.transform(new Map([['w:track', 1]])).indices).toHaveLength(0);
    expect(pruned.size).toBeLessThan(vectorizer.size);
  });

  it('saves to parameters and loads back unchanged', () => {
    const vectorizer = TfidfVectorizer.fit(documents, { blockWeights: { c: 0.5 } });
    const restored = TfidfVectorizer.fromParameters(
      JSON.parse(
        JSON.stringify({ ...vectorizer.toParameters(), idf: [...vectorizer.toParameters().idf] }),
        (key, value: unknown) => (key === 'idf' ? Float32Array.from(value as number[]) : value),
      ) as ReturnType<typeof vectorizer.toParameters>,
    );
    const x = bag('refund my zorblax order');
    expect(restored.transform(x)).toEqual(vectorizer.transform(x));
    expect(restored.size).toBe(vectorizer.size);
  });
});
