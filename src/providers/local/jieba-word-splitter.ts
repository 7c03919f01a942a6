import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

/**
 * Splits text written without spaces between words (Chinese) into space-separated words, so
 * that Postgres full-text search (whose parser cannot split them) can index and match them.
 * Latin-script text passes through unchanged.
 */
export interface WordSplitter {
  split(text: string): string;
}

// Han, Hiragana/Katakana, Hangul: scripts the Postgres parser sees as one long "word".
const unspacedScript = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

let shared: Jieba | undefined;

export function createJiebaWordSplitter(): WordSplitter {
  // The dictionary takes ~0.3 s to load: load it once per process, on first use.
  return {
    split(text) {
      if (!unspacedScript.test(text)) return text;
      shared ??= Jieba.withDict(dict);
      return shared
        .cut(text, true)
        .map((word) => word.trim())
        .filter((word) => word !== '')
        .join(' ');
    },
  };
}
