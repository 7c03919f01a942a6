import { CHINESE_DIGITS } from '../../text/chinese-digits.js';

/**
 * Chinese text helpers for the wrap-up features: which script a text is mostly in, clause
 * splitting on Chinese punctuation, and Chinese numerals as speech-to-text writes them.
 */

const hanPattern = /\p{Script=Han}/gu;
const kanaPattern = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const latinWordPattern = /[A-Za-z]+(?:'[A-Za-z]+)?/g;
// A Chinese word is one to two characters, so a Latin word weighs about as much as 1.5 Han
// characters when deciding which language most of a text is in.
const hanPerLatinWord = 1.5;

// Traditional → Simplified: one table for the whole service (the pipeline hands stages Chinese
// in simplified script already; callers outside it, such as evaluations, still need this).
export { toSimplified } from '../../text/chinese-script.js';

/**
 * Whether most of these texts are Chinese ('zh', by Han characters against Latin words) or not
 * ('en': the English rules, which also serve every other language); null when there is no text.
 */
export function majorityLanguage(texts: readonly string[]): 'zh' | 'en' | null {
  let han = 0;
  let latin = 0;
  let kana = 0;
  for (const text of texts) {
    han += text.match(hanPattern)?.length ?? 0;
    latin += text.match(latinWordPattern)?.length ?? 0;
    kana += text.match(kanaPattern)?.length ?? 0;
  }
  if (han === 0 && latin === 0 && kana === 0) return null;
  // Japanese writes Han characters too; its kana keep it off the Chinese path.
  if (kana > 0.1 * (han + kana)) return 'en';
  return han > latin * hanPerLatinWord ? 'zh' : 'en';
}

/** Sentences, split after 。！？ (and Latin terminal marks); keeps the punctuation. */
export function splitChineseSentences(text: string): string[] {
  return (text.match(/[^。！？!?]+(?:[。！？!?]+|$)/g) ?? [])
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Clauses of one sentence, split on Chinese and Latin commas and semicolons, without them. */
export function splitClauses(sentence: string): string[] {
  return sentence
    .split(/[，,；;：:。！？!?、]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

const digitValues = CHINESE_DIGITS;

/** Characters a Chinese numeral below ten thousand is written with. */
export const chineseNumeral = '[零〇一二两三四五六七八九十百千]+';

/** "24", "二十四", "十五", "两", "一百二十" → the number; null when it is not one. */
export function chineseNumberValue(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (!new RegExp(`^${chineseNumeral}$`).test(text)) return null;
  let total = 0;
  let digit: number | null = null;
  for (const char of text) {
    const value = digitValues[char];
    if (value !== undefined) {
      digit = value;
      continue;
    }
    const unit = char === '十' ? 10 : char === '百' ? 100 : 1000;
    // "十五" starts with its unit: one ten.
    total += (digit ?? 1) * unit;
    digit = null;
  }
  return total + (digit ?? 0);
}
