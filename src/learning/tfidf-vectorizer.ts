import type { FeatureBag, SparseVector } from './sparse-vector.js';

export interface TfidfOptions {
  /** Features found in fewer training documents than this are dropped. */
  minDf: number;
  /** `1 + log(count)` instead of `count`: a repeated word is evidence, not ten times the evidence. */
  sublinearTf: boolean;
  /**
   * Features are grouped in blocks by the prefix before their first `:` (`w:refund` is in block
   * `w`). Each block is scaled to unit length on its own, then multiplied by its weight here
   * (default 1), so that a long list of character n-grams does not drown a few words, and a
   * caller can say how much each view of the text counts.
   */
  blockWeights: Readonly<Record<string, number>>;
}

export const defaultTfidfOptions: TfidfOptions = {
  minDf: 1,
  sublinearTf: true,
  blockWeights: {},
};

function blockOf(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? '' : name.slice(0, colon);
}

/** A fitted vectorizer: enough to save it and load it back unchanged. */
export interface TfidfParameters {
  options: TfidfOptions;
  /** Feature names in index order. */
  vocabulary: string[];
  idf: Float32Array;
}

/** Block number of each feature (blocks numbered in order of first appearance) and their weights. */
function numberBlocks(
  names: Iterable<string>,
  weightOf: Readonly<Record<string, number>>,
): { blocks: Int32Array; blockWeights: Float32Array } {
  const blocks: number[] = [];
  const blockNumbers = new Map<string, number>();
  for (const name of names) {
    const block = blockOf(name);
    let number = blockNumbers.get(block);
    if (number === undefined) {
      number = blockNumbers.size;
      blockNumbers.set(block, number);
    }
    blocks.push(number);
  }
  const blockWeights = new Float32Array(blockNumbers.size);
  for (const [block, number] of blockNumbers) blockWeights[number] = weightOf[block] ?? 1;
  return { blocks: Int32Array.from(blocks), blockWeights };
}

/**
 * TF-IDF over named features (counts per document), fitted on training documents only. What a
 * feature is — word n-gram, character n-gram, opening words, speaker — is the caller's business;
 * see text-features.ts for the usual ones.
 */
export class TfidfVectorizer {
  private constructor(
    private readonly vocabulary: ReadonlyMap<string, number>,
    private readonly idf: Float32Array,
    /** Block number of each feature, and the blocks' weights. */
    private readonly blocks: Int32Array,
    private readonly blockWeights: Float32Array,
    private readonly options: TfidfOptions,
  ) {}

  static fromParameters(parameters: TfidfParameters): TfidfVectorizer {
    const { options, vocabulary, idf } = parameters;
    if (vocabulary.length !== idf.length) {
      throw new RangeError('TF-IDF vocabulary and weights differ in length.');
    }
    const { blocks, blockWeights } = numberBlocks(vocabulary, options.blockWeights);
    return new TfidfVectorizer(
      new Map(vocabulary.map((name, index) => [name, index])),
      idf,
      blocks,
      blockWeights,
      options,
    );
  }

  toParameters(): TfidfParameters {
    // Indices are assigned in insertion order, so the names come out in index order.
    return { options: this.options, vocabulary: [...this.vocabulary.keys()], idf: this.idf };
  }

  get size(): number {
    return this.idf.length;
  }

  static fit(
    documents: readonly FeatureBag[],
    options: Partial<TfidfOptions> = {},
  ): TfidfVectorizer {
    const settings = { ...defaultTfidfOptions, ...options };
    const documentFrequency = new Map<string, number>();
    for (const document of documents)
      for (const name of document.keys())
        documentFrequency.set(name, (documentFrequency.get(name) ?? 0) + 1);
    const vocabulary = new Map<string, number>();
    const idf: number[] = [];
    for (const [name, df] of documentFrequency) {
      if (df < settings.minDf) continue;
      vocabulary.set(name, idf.length);
      // Smoothed idf, as if one extra document contained every feature: never zero or negative.
      idf.push(Math.log((1 + documents.length) / (1 + df)) + 1);
    }
    const { blocks, blockWeights } = numberBlocks(vocabulary.keys(), settings.blockWeights);
    return new TfidfVectorizer(vocabulary, Float32Array.from(idf), blocks, blockWeights, settings);
  }

  transform(document: FeatureBag): SparseVector {
    const indices: number[] = [];
    const values: number[] = [];
    const norms = new Float64Array(this.blockWeights.length);
    for (const [name, count] of document) {
      const index = this.vocabulary.get(name);
      if (index === undefined || count <= 0) continue;
      const tf = this.options.sublinearTf ? 1 + Math.log(count) : count;
      const value = tf * this.idf[index]!;
      indices.push(index);
      values.push(value);
      norms[this.blocks[index]!]! += value * value;
    }
    const scale = Array.from(norms, (norm, block) =>
      norm > 0 ? this.blockWeights[block]! / Math.sqrt(norm) : 0,
    );
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i]! * scale[this.blocks[indices[i]!]!]!;
    return { indices: Int32Array.from(indices), values: out };
  }
}
