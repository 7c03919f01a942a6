import type { TextClassifier } from '../spec/text-classifier.js';

/**
 * Test support: a keyword classifier for exercising the worker pool without a model. A text with
 * "good" is positive, else negative. The text `<exit>` ends the thread it runs in, as a crashing
 * native runtime would; `<slow>` takes 300 ms. Given a shared counter (an `Int32Array` over a
 * `SharedArrayBuffer`), it adds the number of texts it classifies to its first element, so that a
 * test can see what reached the threads.
 */
export function createFakeTextClassifier(counter?: Int32Array): TextClassifier {
  return {
    id: 'fake/keywords',
    labels: ['negative', 'positive'],
    async classify(texts) {
      if (texts.includes('<exit>')) process.exit(3);
      if (counter) Atomics.add(counter, 0, texts.length);
      if (texts.includes('<slow>')) await new Promise((resolve) => setTimeout(resolve, 300));
      return texts.map((text) =>
        /\bgood\b/i.test(text)
          ? [
              { label: 'positive', score: 0.9 },
              { label: 'negative', score: 0.1 },
            ]
          : [
              { label: 'negative', score: 0.8 },
              { label: 'positive', score: 0.2 },
            ],
      );
    },
    async close() {},
  };
}
