import { extractFeatures, type FeatureOptions, defaultFeatureOptions } from './text-features.js';

/** A sparse vector: parallel arrays, indices ascending is not required. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface TfidfOptions extends FeatureOptions {
  /**
   * Character n-grams seen in fewer training texts than this are dropped: with thousands of
   * examples, n-grams seen once are mostly noise and make the model large.
   */
  charMinDf: number;
  /** Relative weight of the word block against the character block (both unit length). */
  wordWeight: number;
}

export const defaultTfidfOptions: TfidfOptions = {
  ...defaultFeatureOptions,
  charMinDf: 1,
  wordWeight: 1,
};

/** A fitted vectorizer: enough to save it and load it back unchanged. */
export interface TfidfParameters {
  options: TfidfOptions;
  /** Feature keys in index order. */
  vocabulary: string[];
  idf: Float32Array;
}

/**
 * TF-IDF over word and character features, fitted on the training texts only. Each block is
 * scaled to unit length on its own so that long character lists do not drown the words.
 */
export class TfidfVectorizer {
  private constructor(
    private readonly vocabulary: Map<string, number>,
    private readonly idf: Float32Array,
    private readonly options: TfidfOptions,
  ) {}

  static fromParameters(parameters: TfidfParameters): TfidfVectorizer {
    if (parameters.vocabulary.length !== parameters.idf.length) {
      throw new RangeError('TF-IDF vocabulary and weights differ in length.');
    }
    return new TfidfVectorizer(
      new Map(parameters.vocabulary.map((key, index) => [key, index])),
      parameters.idf,
      parameters.options,
    );
  }

  toParameters(): TfidfParameters {
    // Indices are assigned in insertion order, so the keys come out in index order.
    return { options: this.options, vocabulary: [...this.vocabulary.keys()], idf: this.idf };
  }

  get size(): number {
    return this.idf.length;
  }

  static fit(
    texts: readonly string[],
    options: TfidfOptions = defaultTfidfOptions,
  ): TfidfVectorizer {
    const documentFrequency = new Map<string, number>();
    for (const text of texts) {
      const { words, chars } = extractFeatures(text, options);
      for (const key of words.keys())
        documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
      for (const key of chars.keys())
        documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
    }
    const vocabulary = new Map<string, number>();
    const idfValues: number[] = [];
    const total = texts.length;
    for (const [key, df] of documentFrequency) {
      if (key.startsWith('c:') && df < options.charMinDf) continue;
      vocabulary.set(key, idfValues.length);
      idfValues.push(Math.log((1 + total) / (1 + df)) + 1);
    }
    return new TfidfVectorizer(vocabulary, Float32Array.from(idfValues), options);
  }

  transform(text: string): SparseVector {
    const { words, chars } = extractFeatures(text, this.options);
    const wordPart = this.block(words);
    const charPart = this.block(chars);
    const wordScale = this.options.wordWeight / Math.sqrt(1 + this.options.wordWeight ** 2);
    const charScale = 1 / Math.sqrt(1 + this.options.wordWeight ** 2);
    const n = wordPart.indices.length + charPart.indices.length;
    const indices = new Int32Array(n);
    const values = new Float32Array(n);
    let k = 0;
    for (const [part, scale] of [
      [wordPart, wordScale],
      [charPart, charScale],
    ] as const) {
      for (let i = 0; i < part.indices.length; i++) {
        indices[k] = part.indices[i]!;
        values[k] = part.values[i]! * scale;
        k++;
      }
    }
    return { indices, values };
  }

  private block(counts: Map<string, number>): { indices: number[]; values: number[] } {
    const indices: number[] = [];
    const values: number[] = [];
    let norm = 0;
    for (const [key, count] of counts) {
      const index = this.vocabulary.get(key);
      if (index === undefined) continue;
      // Sublinear term frequency: a repeated word is evidence, not ten times the evidence.
      const value = (1 + Math.log(count)) * this.idf[index]!;
      indices.push(index);
      values.push(value);
      norm += value * value;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < values.length; i++) values[i]! /= norm;
    return { indices, values };
  }
}
