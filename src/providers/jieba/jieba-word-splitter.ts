import type { WordSplitter } from '../spec/word-splitter.js';
import { jiebaSegmenter } from './jieba-segmenter.js';

// Han, Hiragana/Katakana, Hangul: scripts the Postgres parser sees as one long "word".
const unspacedScript = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
// A run of those scripts with the CJK punctuation and full-width forms between their words.
const unspacedRun =
  /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+/g;

/**
 * Space-separated jieba words for Postgres full-text search. Only runs of unspaced scripts go
 * through jieba: the Latin words of a mixed text ("我的 Wi-Fi 很慢", "eSIM 怎么激活") stay as
 * written, so the parser reads "Wi-Fi" as it does in an English article, not as "Wi - Fi".
 */
export function createJiebaWordSplitter(): WordSplitter {
  return {
    split(text) {
      if (!unspacedScript.test(text)) return text;
      return text.replace(
        unspacedRun,
        (run) =>
          ` ${jiebaSegmenter
            .segment(run)
            .map((word) => word.trim())
            .filter((word) => word !== '')
            .join(' ')} `,
      );
    },
  };
}
