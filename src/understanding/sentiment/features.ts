import type { SparseVector } from '../../learning/sparse-vector.js';
import type { LexiconScore } from './english-lexicon.js';

/**
 * Hashed n-gram features (words, negation-marked, and characters), the lexicon's verdict, and a
 * sentence embedding where one covers the text's language.
 */
export const FEATURE_BITS = 19;
const mask = (1 << FEATURE_BITS) - 1;
/** Dense embedding dimensions sit after the hashed space, so the two never collide. */
const denseOffset = 1 << FEATURE_BITS;

/** Size of the weight space for a model whose embeddings have `denseDimensions` dimensions. */
export function featureDimensions(denseDimensions: number): number {
  return denseOffset + denseDimensions;
}

function hash(feature: string): number {
  let h = 2166136261;
  for (let i = 0; i < feature.length; i++) {
    h ^= feature.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) & mask;
}

const negationWords = /^(?:not|no|never|none|nobody|nothing|neither|nor|cannot|without|\w+n't)$/;
const englishToken = /https?:\/\/\S+|@\w+|#\w+|[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)?|[!?]+|[^\s\w]/gu;

/** Lower-cased English words; urls, user handles and numbers collapse to one token each. */
export function englishTokens(text: string): string[] {
  const tokens: string[] = [];
  let negated = 0;
  for (const match of text.toLowerCase().matchAll(englishToken)) {
    let token = match[0];
    if (token.startsWith('http')) token = '<url>';
    else if (token.startsWith('@')) token = '<user>';
    else if (/^\d/.test(token)) token = '<num>';
    else if (token.startsWith('#')) token = token.slice(1);
    if (/^[.,;:!?]+$/.test(token)) negated = 0;
    // "not good" and "good" are different words to the model.
    tokens.push(negated > 0 ? `NOT_${token}` : token);
    if (negated > 0) negated--;
    if (negationWords.test(token)) negated = 3;
  }
  return tokens;
}

class FeatureBag {
  private readonly weights = new Map<number, number>();
  add(feature: string, value = 1): void {
    const index = hash(feature);
    this.weights.set(index, (this.weights.get(index) ?? 0) + value);
  }
  /** Adds a group scaled to unit length, so long and short texts weigh the same. */
  addGroup(features: readonly string[], scale = 1): void {
    if (features.length === 0 || scale === 0) return;
    const value = scale / Math.sqrt(features.length);
    for (const feature of features) this.add(feature, value);
  }
  toVector(dense?: Float32Array, scale = 1): SparseVector {
    const size = this.weights.size + (dense?.length ?? 0);
    const indices = new Int32Array(size);
    const values = new Float32Array(size);
    let i = 0;
    for (const [index, value] of this.weights) {
      indices[i] = index;
      values[i] = value;
      i++;
    }
    if (dense) {
      for (let d = 0; d < dense.length; d++, i++) {
        indices[i] = denseOffset + d;
        values[i] = dense[d]! * scale;
      }
    }
    return { indices, values };
  }
}

function ngrams(tokens: readonly string[], prefix: string, maxN: number): string[] {
  const out: string[] = [];
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++)
      out.push(`${prefix}${n}:${tokens.slice(i, i + n).join(' ')}`);
  }
  return out;
}

function charNgrams(text: string, prefix: string, minN: number, maxN: number): string[] {
  const out: string[] = [];
  const chars = Array.from(text);
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= chars.length; i++)
      out.push(`${prefix}${n}:${chars.slice(i, i + n).join('')}`);
  }
  return out;
}

export interface FeatureWeights {
  words: number;
  chars: number;
  lexicon: number;
  /** Scale of the (unit-length) sentence embedding against the other groups. */
  embedding: number;
}

// Measured by 5-fold cross-validation on small dev sets (1-2k rows): n-grams help only on top of
// a strong lexicon feature; English character n-grams cost time and did not help; the embedding
// at twice unit length beat 1 and 4. How much the words count is chosen per training set
// (sentiment-model.ts), since it depends on how many examples there are.
export const defaultFeatureWeights: Readonly<Record<'en' | 'zh', FeatureWeights>> = {
  en: { words: 0.5, chars: 0, lexicon: 2, embedding: 2 },
  zh: { words: 0.5, chars: 0.25, lexicon: 2, embedding: 2 },
};

export function featurize(
  text: string,
  language: 'en' | 'zh',
  lexicon: LexiconScore,
  chineseWords: () => string[],
  weights: FeatureWeights = defaultFeatureWeights[language],
  embedding?: Float32Array,
): SparseVector {
  const bag = new FeatureBag();
  if (language === 'zh') {
    const words = chineseWords().filter((word) => word.trim() !== '');
    bag.addGroup(ngrams(words, 'zw', 2), weights.words);
    if (weights.chars > 0)
      bag.addGroup(charNgrams(text.replace(/\s+/g, ''), 'zc', 1, 3), weights.chars);
  } else {
    const tokens = englishTokens(text);
    bag.addGroup(ngrams(tokens, 'w', 2), weights.words);
    if (weights.chars > 0) {
      const squeezed = ` ${text
        .toLowerCase()
        .replace(/https?:\/\/\S+/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()} `;
      bag.addGroup(charNgrams(squeezed, 'c', 3, 5), weights.chars);
    }
  }
  // The lexicon's verdict as a few strong features; n-grams refine it where data allows.
  const s = lexicon.score;
  const w = weights.lexicon;
  bag.add('lex:score', s * w);
  bag.add('lex:pos', Math.max(0, s) * w);
  bag.add('lex:neg', Math.max(0, -s) * w);
  bag.add(`lex:bin:${Math.round(s * 4)}`, w / 2);
  for (const cue of lexicon.cues) bag.add(`cue:${cue}`, w / 2);
  if (lexicon.shares) {
    bag.add('lex:share:pos', lexicon.shares.positive * w);
    bag.add('lex:share:neg', lexicon.shares.negative * w);
    bag.add('lex:share:neu', lexicon.shares.neutral * w);
  }
  if (lexicon.wordList) {
    bag.add('lex:list:pos', lexicon.wordList.positive * w);
    bag.add('lex:list:neg', lexicon.wordList.negative * w);
  }
  bag.add('bias');
  return bag.toVector(embedding, weights.embedding);
}
