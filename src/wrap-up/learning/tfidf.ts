import { normalizeText, wordTokens } from '../text/text.js';

/** A sparse vector: parallel arrays of feature indices (ascending not required) and values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface TfidfOptions {
  /** Word n-grams 1..wordNgrams. */
  wordNgrams?: number;
  /** Character n-grams (inside word boundaries) from charMin to charMax; 0 disables them. */
  charMin?: number;
  charMax?: number;
  /** Features seen in fewer documents are dropped (noise, and memory on large sets). */
  minDf?: number;
  /**
   * Also emit separate features for the first N words (0 = off). In a service conversation the
   * opening states the reason for contact; the rest is often the same verification routine.
   */
  openingWords?: number;
}

function features(text: string, options: Required<TfidfOptions>): string[] {
  const words = wordTokens(normalizeText(text));
  const out: string[] = [];
  for (let n = 1; n <= options.wordNgrams; n++) {
    for (let i = 0; i + n <= words.length; i++) out.push(`w:${words.slice(i, i + n).join(' ')}`);
  }
  if (options.openingWords > 0) {
    const opening = words.slice(0, options.openingWords);
    for (let n = 1; n <= Math.min(2, options.wordNgrams); n++) {
      for (let i = 0; i + n <= opening.length; i++)
        out.push(`o:${opening.slice(i, i + n).join(' ')}`);
    }
  }
  if (options.charMax > 0) {
    for (const word of words) {
      const padded = ` ${word} `;
      for (let n = options.charMin; n <= options.charMax; n++) {
        for (let i = 0; i + n <= padded.length; i++) out.push(`c:${padded.slice(i, i + n)}`);
      }
    }
  }
  return out;
}

/**
 * TF-IDF with sublinear term frequency and L2 normalisation, over word and character n-grams:
 * words carry topic, character n-grams survive typos, inflections and ASR errors.
 */
export class TfidfVectorizer {
  private readonly options: Required<TfidfOptions>;
  private vocabulary = new Map<string, number>();
  private idf = new Float32Array(0);

  constructor(options: TfidfOptions = {}) {
    this.options = {
      wordNgrams: options.wordNgrams ?? 2,
      charMin: options.charMin ?? 3,
      charMax: options.charMax ?? 5,
      minDf: options.minDf ?? 2,
      openingWords: options.openingWords ?? 0,
    };
  }

  get size(): number {
    return this.vocabulary.size;
  }

  fit(texts: readonly string[]): SparseVector[] {
    const documents = texts.map((text) => features(text, this.options));
    const df = new Map<string, number>();
    for (const document of documents)
      for (const feature of new Set(document)) df.set(feature, (df.get(feature) ?? 0) + 1);
    // With very few documents every feature is rare; keep them all rather than nothing.
    const minDf = texts.length < 20 ? 1 : this.options.minDf;
    this.vocabulary = new Map();
    const idf: number[] = [];
    for (const [feature, count] of df) {
      if (count < minDf) continue;
      this.vocabulary.set(feature, idf.length);
      idf.push(Math.log((1 + texts.length) / (1 + count)) + 1);
    }
    this.idf = Float32Array.from(idf);
    return documents.map((document) => this.vectorize(document));
  }

  transform(text: string): SparseVector {
    return this.vectorize(features(text, this.options));
  }

  private vectorize(document: readonly string[]): SparseVector {
    const counts = new Map<number, number>();
    for (const feature of document) {
      const index = this.vocabulary.get(feature);
      if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
    }
    const indices = new Int32Array(counts.size);
    const values = new Float32Array(counts.size);
    let k = 0;
    let norm = 0;
    for (const [index, count] of counts) {
      const value = (1 + Math.log(count)) * this.idf[index]!;
      indices[k] = index;
      values[k] = value;
      norm += value * value;
      k++;
    }
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < values.length; i++) values[i]! /= norm;
    return { indices, values };
  }
}
