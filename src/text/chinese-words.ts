import { jiebaSegmenter } from '../providers/jieba/jieba-segmenter.js';
import { chineseStopwords } from './chinese-stopwords.js';
import { wordTokens } from './word-tokens.js';

export { chineseStopwords };

/**
 * Chinese text cut into what the wrap-up and its notes read: sentences, clauses and words.
 * Chinese is written without spaces, so words come from the segmenter (jieba); text without Han
 * characters never loads its dictionary.
 */

// Han characters (CJK unified ideographs and extension A, compatibility ideographs).
const hanPattern = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

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

/**
 * Word tokens of text that may be Chinese: `wordTokens` alone would make one "word" of each
 * clause; jieba splits it into words first. Text without Han characters gets exactly
 * `wordTokens`.
 */
export function segmentedWordTokens(text: string): string[] {
  if (!hanPattern.test(text)) return wordTokens(text);
  return jiebaSegmenter.segment(text).flatMap((piece) => wordTokens(piece));
}

// "两次", "一笔", "第二笔", "11", "周三": counts, numbers and weekdays, not matters.
const countWord =
  /^第?[\d零〇一二两三四五六七八九十百千万几]+[个次笔天号月年元块位遍份张台件条]?$|^(?:上|下|这|本)?(?:周|星期|礼拜)[一二三四五六日天]$/;
// What the segmenter glues to a particle it could not place: "钱会", "被扣".
const gluedParticle = /^.[会了着过吗呢吧的]$|^被./;

/** Words of a Chinese text that carry meaning: no stopwords, no single Han characters, no digits. */
export function chineseContentWords(text: string): string[] {
  return segmentedWordTokens(text).filter(
    (word) =>
      hanPattern.test(word) &&
      [...word].length > 1 &&
      !chineseStopwords.has(word) &&
      !countWord.test(word) &&
      !gluedParticle.test(word),
  );
}
