import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { toSimplified } from '../../text/chinese-script.js';
import { majorityLanguage } from '../../text/chinese-script.js';
import { chineseStopwords } from '../../text/chinese-stopwords.js';
import { embeds, type WordSplitter } from '../search-text.js';

/**
 * How a case's words become a vector. The configured embedding model does it for the languages
 * it covers (the offline sentence encoder is English only: on Chinese text it returns much the
 * same vector for every call, so any Chinese case looked like any other). Other text is compared
 * by its words: segmented by the knowledge base's splitter (jieba), function words dropped,
 * hashed into a bag of words. Cosine between two bags is the share of topic words two customers
 * used, which is what "said much the same" means without a model of the language. Each vector is
 * stored with its model's id and only compared with vectors of the same model.
 *
 * The characters of each word count too, at half weight: the segmenter cuts the same words
 * differently by context ("月费扣了" → 月 / 费扣, "被扣了" → 被扣), and the characters still match
 * where the words do not.
 */
export interface CaseEncoder {
  /** The model that encodes this text. */
  modelFor(text: string): EmbeddingModel;
  /** Cosine at or above which a case of that model counts as similar. */
  minSimilarityOf(model: EmbeddingModel): number;
  /** Words in the text (Chinese counted as segmented words, not as one run of characters). */
  countWords(text: string): number;
}

/**
 * Bags of words of two calls about the same problem meet at about 0.3 to 0.6 (a double charge
 * worded three ways: 0.27–0.51); calls about other problems at under 0.1, and a different billing
 * problem (a bill higher than usual) at about 0.2. Read off a handful of calls we wrote, not
 * fitted to a data set; the sentence encoder's own threshold (0.6) does not carry over.
 */
const KEYWORD_MIN_SIMILARITY = 0.25;

const wordPattern = /[\p{L}\p{N}]/u;
const hanPattern = /\p{Script=Han}/u;
const CHARACTER_WEIGHT = 0.5;
const DIMENSIONS = 1024;
/** Characters that say nothing on their own (pronouns, particles, measure words, numbers). */
const functionCharacters = new Set(
  '的了是我你您他她它们在有和就不都也很到说要去会着没看好这那吗呢吧啊呀哦嗯把被让给从对向跟与及或而但可以能还又再才已经个次每些做得地过来下里后前中时家一二两三几多同想问'.split(
    '',
  ),
);

function hash(token: string): number {
  let value = 2166136261;
  for (let i = 0; i < token.length; i++) {
    value ^= token.charCodeAt(i);
    value = Math.imul(value, 16777619);
  }
  return value >>> 0;
}

/** L2-normalised hashed bag of the words and (at lower weight) their characters. */
function bagOfWords(words: readonly string[]): Float32Array {
  const vector = new Float32Array(DIMENSIONS);
  const add = (token: string, weight: number) => {
    vector[hash(token) % DIMENSIONS]! += weight;
  };
  for (const word of words) {
    add(word.toLowerCase(), 1);
    if (word.length > 1 && hanPattern.test(word))
      for (const character of word)
        if (!functionCharacters.has(character)) add(character, CHARACTER_WEIGHT);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
}

export function createCaseEncoder(options: {
  embedder: EmbeddingModel;
  splitter: WordSplitter;
  /** Cosine threshold for the configured embedding model. */
  minSimilarity: number;
}): CaseEncoder {
  const { embedder, splitter } = options;
  const words = (text: string): string[] =>
    splitter
      .split(toSimplified(text))
      .split(/\s+/)
      .filter((word) => wordPattern.test(word));
  const keywords: EmbeddingModel = {
    id: `keywords/words-and-characters-${DIMENSIONS}`,
    dimensions: DIMENSIONS,
    languages: 'any',
    embed: async (texts) =>
      texts.map((text) => bagOfWords(words(text).filter((word) => !chineseStopwords.has(word)))),
  };
  return {
    modelFor(text) {
      const language = majorityLanguage([text]) ?? 'en';
      return embeds(embedder, language) ? embedder : keywords;
    },
    minSimilarityOf: (model) =>
      model === keywords ? KEYWORD_MIN_SIMILARITY : options.minSimilarity,
    countWords: (text) => words(text).length,
  };
}
