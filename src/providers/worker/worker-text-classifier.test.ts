import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createWorkerTextClassifier } from './worker-text-classifier.js';

const fakeModule = fileURLToPath(new URL('./fake-text-classifier.ts', import.meta.url));
const options = { modulePath: fakeModule, exportName: 'createFakeTextClassifier' };

describe('worker text classifier', () => {
  it('answers many callers from worker threads, in order, and serves repeats from the cache', async () => {
    const classifier = await createWorkerTextClassifier({ ...options, workers: 2, batchSize: 3 });
    try {
      expect(classifier).toMatchObject({ id: 'fake/keywords', labels: ['negative', 'positive'] });
      const texts = Array.from({ length: 20 }, (_, i) => `turn ${i} ${i % 2 ? 'good' : 'late'}`);
      const results = await Promise.all(texts.map((text) => classifier.classify([text])));
      results.forEach(([result], i) =>
        expect(result![0]!.label).toBe(i % 2 ? 'positive' : 'negative'),
      );
      const [again] = await classifier.classify([texts[5]!]);
      expect(again).toBe(results[5]![0]);
      // Shared with every caller, so nobody may change it.
      expect(Object.isFrozen(again)).toBe(true);
    } finally {
      await classifier.close();
    }
  });

  it('a worker that dies fails its batch (retryable); the others go on; with none left, calls fail', async () => {
    const classifier = await createWorkerTextClassifier({ ...options, workers: 2, batchSize: 1 });
    try {
      await expect(classifier.classify(['<exit>'])).rejects.toMatchObject({
        code: 'provider_unavailable',
        retryable: true,
        message: expect.stringContaining('worker exited (code 3)'),
      });
      const [result] = await classifier.classify(['a good call']);
      expect(result![0]!.label).toBe('positive');
      await expect(classifier.classify(['<exit>'])).rejects.toMatchObject({ retryable: true });
      await expect(classifier.classify(['a good call again'])).rejects.toMatchObject({
        code: 'provider_unavailable',
        message: expect.stringContaining('Text classifier "fake/keywords" stopped'),
      });
    } finally {
      await classifier.close();
    }
  });

  it('fails with a clear error when the model cannot load', async () => {
    await expect(
      createWorkerTextClassifier({ modulePath: fakeModule, exportName: 'noSuchFactory' }),
    ).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringContaining('noSuchFactory'),
    });
  });
});
