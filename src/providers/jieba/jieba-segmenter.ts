import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import type { WordSegmenter } from '../spec/word-segmenter.js';

/**
 * The one place that touches `@node-rs/jieba`: its bundled dictionary, with the HMM on so that
 * words missing from the dictionary (names, new products) are still found.
 */

// The dictionary takes ~0.3 s and tens of MB to load: one instance per process (or worker
// thread), loaded on first use, so that texts without Han characters never pay for it.
let shared: Jieba | undefined;

function jieba(): Jieba {
  shared ??= Jieba.withDict(dict);
  return shared;
}

export const jiebaSegmenter: WordSegmenter = {
  segment(text) {
    return jieba().cut(text, true);
  },
  warmUp() {
    jieba();
  },
};
