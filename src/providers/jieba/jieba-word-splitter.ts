import type { WordSplitter } from '../spec/word-splitter.js';
import { jiebaSegmenter } from './jieba-segmenter.js';

// Han, Hiragana/Katakana, Hangul: scripts the Postgres parser sees as one long "word".
const unspacedScript = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

/** Space-separated jieba words for Postgres full-text search; other text unchanged. */
export function createJiebaWordSplitter(): WordSplitter {
  return {
    split(text) {
      if (!unspacedScript.test(text)) return text;
      return jiebaSegmenter
        .segment(text)
        .map((word) => word.trim())
        .filter((word) => word !== '')
        .join(' ');
    },
  };
}
