import { jiebaSegmenter } from '../../providers/jieba/jieba-segmenter.js';
import { wordTokens } from './text.js';

// Han characters (CJK unified ideographs and extension A, compatibility ideographs).
const hanPattern = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/**
 * Word tokens of text that may be Chinese: Chinese is written without spaces, so `wordTokens`
 * alone would make one "word" of each clause; jieba splits it into words first. Text without Han
 * characters never loads jieba's dictionary and gets exactly `wordTokens`.
 */
export function segmentedWordTokens(text: string): string[] {
  if (!hanPattern.test(text)) return wordTokens(text);
  return jiebaSegmenter.segment(text).flatMap((piece) => wordTokens(piece));
}
