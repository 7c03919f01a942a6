import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
import type { WordSegmenter } from '../spec/word-segmenter.js';

/**
 * The one place that touches `@node-rs/jieba`: its bundled dictionary, with the HMM on so that
 * words missing from the dictionary (names, new products) are still found.
 */

// The package's `dict.js` reads the dictionary and its 6 MB keyword-weight table into buffers
// that its module keeps for the life of the process (11 MB). Jieba copies the dictionary when it
// loads and keyword weights are not used here, so the same file is read here and let go.
const dictionaryFile = createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt');

// The dictionary takes ~0.3 s and tens of MB to load: one instance per process (or worker
// thread), loaded on first use, so that texts without Han characters never pay for it.
let shared: Jieba | undefined;

function jieba(): Jieba {
  shared ??= Jieba.withDict(readFileSync(dictionaryFile));
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
