import type { TextClassification, TextClassifier } from '../spec/text-classifier.js';
import { serveModel } from './serve-model.js';
import type { TextClassifierInfo } from './worker-text-classifier.js';

/** Worker entry of `createWorkerTextClassifier`: runs one TextClassifier in this thread. */
serveModel<TextClassifier, TextClassifierInfo, TextClassification>({
  describe: ({ id, labels }) => ({ id, labels: [...labels] }),
  run: (model, texts) => model.classify(texts),
});
