import { addFeature } from '../../learning/sparse-vector.js';
import { jiebaSegmenter } from '../../providers/jieba/jieba-segmenter.js';

/**
 * Lexical features for intent detection: word uni+bigrams and character n-grams. Chinese has no
 * spaces, so runs of Han characters are split into words by jieba; character n-grams then cover
 * what the segmenter gets wrong.
 */

const hanChar = /\p{Script=Han}/u;
const wordPattern = /[\p{Script=Han}]+|[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Case-folded, width-normalised, whitespace-collapsed text. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** Share of letters that are Han characters: 0 for English, ~1 for Chinese. */
export function hanShare(text: string): number {
  let han = 0;
  let letters = 0;
  for (const char of text) {
    if (hanChar.test(char)) {
      han++;
      letters++;
    } else if (/\p{L}/u.test(char)) letters++;
  }
  return letters === 0 ? 0 : han / letters;
}

/** Word tokens of normalised text; Han runs are segmented into words. */
export function wordTokens(normalized: string): string[] {
  const tokens: string[] = [];
  for (const match of normalized.matchAll(wordPattern)) {
    const token = match[0];
    if (hanChar.test(token)) {
      // The segmenter loads its dictionary on first use: only Han text pays for it.
      for (const word of jiebaSegmenter.segment(token)) if (word.trim() !== '') tokens.push(word);
    } else tokens.push(token);
  }
  return tokens;
}

export interface FeatureOptions {
  /** Smallest and largest character n-gram. */
  charMin: number;
  charMax: number;
}

export const defaultFeatureOptions: FeatureOptions = { charMin: 2, charMax: 5 };

/**
 * Counts of the features TF-IDF reads: words in block `w` (unigrams, and bigrams with sentence
 * boundaries: `w:refund`, `w:<s> refund`; one block, so both share its weight) and characters
 * in block `c` (n-grams over the padded text; single Han characters too, since one Han
 * character often carries a whole word's meaning).
 */
export function intentFeatures(
  text: string,
  options: FeatureOptions = defaultFeatureOptions,
): Map<string, number> {
  const normalized = normalizeText(text);
  const bag = new Map<string, number>();
  const tokens = wordTokens(normalized);
  let previous = '<s>';
  for (const token of tokens) {
    addFeature(bag, `w:${token}`);
    addFeature(bag, `w:${previous} ${token}`);
    previous = token;
  }
  if (tokens.length > 0) addFeature(bag, `w:${previous} </s>`);

  // Characters of the text without punctuation noise, words joined by one space.
  const joined = ` ${normalized
    .replace(/[^\p{L}\p{N}'’ ]+/gu, ' ')
    .replace(/ +/g, ' ')
    .trim()} `;
  const codepoints = Array.from(joined);
  for (let n = options.charMin; n <= options.charMax; n++) {
    for (let start = 0; start + n <= codepoints.length; start++) {
      const gram = codepoints.slice(start, start + n).join('');
      if (gram.trim() === '') continue;
      addFeature(bag, `c:${gram}`);
    }
  }
  for (const char of codepoints) if (hanChar.test(char)) addFeature(bag, `c:${char}`);
  return bag;
}
