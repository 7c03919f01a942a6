import { access, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { startFakeModelHub, type FakeModelHub } from '../fake/fake-model-hub.js';
import type { TextClassification } from '../spec/text-classifier.js';
import { createTextClassifier } from '../create-text-classifier.js';
import { createTransformersTextClassifier } from './transformers-text-classifier.js';
import { writeSequenceClassificationModel } from './write-sequence-classification-model.js';
import { writeStaticEmbeddingModel } from './write-static-embedding-model.js';

const modelId = 'cuecard-tests/bag-of-words-sentiment';
const labels = ['negative', 'positive'];
const words = (
  'the agent was really helpful and the refund came fast my internet has been down for three ' +
  'days this is an service experience support call today thanks'
).split(' ');
const cues = { great: [-8, 8], awful: [8, -8] };

/** Label → score, whatever the order. */
const scoresOf = (result: TextClassification | undefined) =>
  Object.fromEntries((result ?? []).map(({ label, score }) => [label, score]));

/** OS threads of this process (Linux): a worker thread is one of them while it runs. */
async function threadCount(): Promise<number | undefined> {
  return readdir('/proc/self/task').then(
    (tasks) => tasks.length,
    () => undefined,
  );
}

let modelsDir: string;
beforeAll(async () => {
  modelsDir = await mkdtemp(path.join(tmpdir(), 'cuecard-classifiers-'));
  await writeSequenceClassificationModel({ modelsDir, modelId, labels, words, cues });
});
afterAll(async () => {
  await rm(modelsDir, { recursive: true, force: true });
});

describe('transformers text classifier', () => {
  it('is off unless CUECARD_SENTIMENT_MODEL names a model', async () => {
    const config = loadConfig({ CUECARD_MODELS_DIR: modelsDir });
    expect(config.sentimentModel).toBeUndefined();
    await expect(createTextClassifier(config)).resolves.toBeUndefined();
  });

  it('classifies in a worker thread from a local model folder: every label, probabilities, best first', async () => {
    const config = loadConfig({ CUECARD_SENTIMENT_MODEL: modelId, CUECARD_MODELS_DIR: modelsDir });
    expect(config.sentimentModel).toBe(modelId);
    const classifier = (await createTextClassifier(config))!;
    try {
      expect(classifier.id).toBe(`transformers/${modelId}`);
      // Labels come from the model's config (`id2label`), in id order.
      expect(classifier.labels).toEqual(['negative', 'positive']);

      const results = await classifier.classify([
        'The agent was really great',
        'This is an awful experience',
        'my internet has been down for three days',
        '',
      ]);
      expect(results).toHaveLength(4);
      for (const result of results) {
        expect(result.map(({ label }) => label).sort()).toEqual(['negative', 'positive']);
        expect(result[0]!.score).toBeGreaterThanOrEqual(result[1]!.score);
        expect(result[0]!.score + result[1]!.score).toBeCloseTo(1, 5);
      }
      const [great, awful, neutral, blank] = results;
      expect(great![0]).toMatchObject({ label: 'positive', score: expect.any(Number) });
      expect(scoresOf(great).positive).toBeGreaterThan(0.9);
      expect(awful![0]!.label).toBe('negative');
      expect(scoresOf(awful).negative).toBeGreaterThan(0.9);
      // Without a cue word the model has no opinion: close to even, whichever side wins.
      expect(Math.abs(scoresOf(neutral).positive! - 0.5)).toBeLessThan(0.2);
      expect(Math.abs(scoresOf(blank).positive! - 0.5)).toBeLessThan(0.2);
    } finally {
      await classifier.close();
    }
  });

  it('batches texts of many callers and gives the same scores as one text at a time in-process', async () => {
    const config = loadConfig({ CUECARD_SENTIMENT_MODEL: modelId, CUECARD_MODELS_DIR: modelsDir });
    const pooled = (await createTextClassifier(config, { batchSize: 4, cacheSize: 0 }))!;
    const inProcess = await createTransformersTextClassifier({ model: modelId, modelsDir });
    try {
      // Different lengths, so that each batch pads its shorter texts.
      const texts = Array.from({ length: 22 }, (_, i) => {
        const cue = ['great', 'awful', ''][i % 3];
        return `${words.slice(i % 9, (i % 9) + 1 + (i % 6)).join(' ')} ${cue}`.trim();
      });
      // Several conversations at once, as the analyzer would call it: all answered, in order.
      const [first, second] = await Promise.all([
        pooled.classify(texts.slice(0, 13)),
        pooled.classify(texts.slice(13)),
      ]);
      const batched = [...first!, ...second!];
      // And one call with everything, split into batches by the provider itself.
      const together = await inProcess.classify(texts);
      for (const [i, text] of texts.entries()) {
        const [alone] = await inProcess.classify([text]);
        for (const result of [batched[i], together[i]]) {
          expect(result!.map(({ label }) => label)).toEqual(alone!.map(({ label }) => label));
          result!.forEach(({ score }, rank) => expect(score).toBeCloseTo(alone![rank]!.score, 5));
        }
      }
    } finally {
      await pooled.close();
      await inProcess.close();
    }
  });

  it('close() ends the worker thread; later and pending calls fail with a clear error', async () => {
    const before = await threadCount();
    const config = loadConfig({ CUECARD_SENTIMENT_MODEL: modelId, CUECARD_MODELS_DIR: modelsDir });
    const classifier = (await createTextClassifier(config, { workers: 1, batchSize: 1 }))!;
    const running = await threadCount();
    expect((await classifier.classify(['great support']))[0]![0]!.label).toBe('positive');

    // Queued behind the one batch a worker computes at a time, then abandoned by close().
    const pending = expect(
      classifier.classify(Array.from({ length: 50 }, (_, i) => `call number ${i}`)),
    ).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringMatching(/is closed/),
    });
    await classifier.close();
    await pending;
    await expect(classifier.classify(['great'])).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: `Text classifier "transformers/${modelId}" is closed`,
    });
    const after = await threadCount();
    if (before !== undefined && running !== undefined && after !== undefined) {
      expect(running).toBeGreaterThan(before);
      expect(after).toBeLessThan(running);
    }
  });

  it('honours an abort signal: an aborted call gives up its queued texts', async () => {
    const config = loadConfig({ CUECARD_SENTIMENT_MODEL: modelId, CUECARD_MODELS_DIR: modelsDir });
    const classifier = (await createTextClassifier(config, { batchSize: 1, cacheSize: 0 }))!;
    try {
      const controller = new AbortController();
      const aborted = classifier.classify(
        Array.from({ length: 40 }, (_, i) => `support call ${i}`),
        { signal: controller.signal },
      );
      controller.abort(new Error('turn superseded'));
      await expect(aborted).rejects.toThrow('turn superseded');
      // The pool goes on serving others.
      const [result] = await classifier.classify(['awful']);
      expect(result![0]!.label).toBe('negative');
      await expect(classifier.classify(['great'], { signal: controller.signal })).rejects.toThrow(
        'turn superseded',
      );
    } finally {
      await classifier.close();
    }
  });

  it('fails at start, before any worker, naming the folder, the missing files and the fixes', async () => {
    const config = loadConfig({
      CUECARD_SENTIMENT_MODEL: 'someone/no-such-sentiment',
      CUECARD_MODELS_DIR: modelsDir,
    });
    const before = await threadCount();
    const error = await createTextClassifier(config).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringContaining(path.join(modelsDir, 'someone/no-such-sentiment')),
    });
    const message = (error as Error).message;
    expect(message).toMatch(/^CUECARD_SENTIMENT_MODEL: /);
    expect(message).toMatch(/onnx\/model\.onnx/);
    expect(message).toMatch(/CUECARD_MODELS_DIR/);
    expect(message).toMatch(/CUECARD_ALLOW_MODEL_DOWNLOAD=true/);
    expect(message).toMatch(/unset CUECARD_SENTIMENT_MODEL to use the offline sentiment model/);
    const after = await threadCount();
    if (before !== undefined && after !== undefined) expect(after).toBeLessThanOrEqual(before);
  });

  it('refuses a model that is not a text classifier, saying so', async () => {
    const embeddingId = 'someone/static-embedding';
    await writeStaticEmbeddingModel({ modelsDir, modelId: embeddingId, words, dimensions: 8 });
    const config = loadConfig({
      CUECARD_SENTIMENT_MODEL: embeddingId,
      CUECARD_MODELS_DIR: modelsDir,
    });
    await expect(createTextClassifier(config)).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringMatching(
        /is it a text-classification \(sequence-classification\) model/,
      ),
    });
  });

  describe('with downloads allowed (connected deployments)', () => {
    let hub: FakeModelHub;
    beforeAll(async () => {
      hub = await startFakeModelHub(modelsDir);
    });
    afterAll(() => hub.close());

    it('downloads a missing model once into the models folder, then runs the local copy', async () => {
      const emptyDir = await mkdtemp(path.join(tmpdir(), 'cuecard-classifiers-empty-'));
      const config = loadConfig({
        CUECARD_SENTIMENT_MODEL: modelId,
        CUECARD_MODELS_DIR: emptyDir,
        CUECARD_ALLOW_MODEL_DOWNLOAD: 'true',
        CUECARD_MODEL_HUB_URL: hub.url,
      });
      const classifier = (await createTextClassifier(config))!;
      try {
        expect(hub.requested.filter((url) => url.endsWith('/onnx/model.onnx'))).toHaveLength(1);
        await access(path.join(emptyDir, modelId, 'onnx', 'model.onnx'));
        expect(classifier.labels).toEqual(labels);
        const [result] = await classifier.classify(['great']);
        expect(result![0]!.label).toBe('positive');
      } finally {
        await classifier.close();
        await rm(emptyDir, { recursive: true, force: true });
      }
    });
  });
});
