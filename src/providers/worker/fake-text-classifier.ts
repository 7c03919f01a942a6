import type { TextClassifier } from '../spec/text-classifier.js';

/**
 * Test support: a keyword classifier for exercising the worker pool without a model. A text with
 * "good" is positive, else negative. The text `<exit>` ends the thread it runs in, as a crashing
 * native runtime would.
 */
export function createFakeTextClassifier(): TextClassifier {
  return {
    id: 'fake/keywords',
    labels: ['negative', 'positive'],
    async classify(texts) {
      if (texts.includes('<exit>')) process.exit(3);
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
