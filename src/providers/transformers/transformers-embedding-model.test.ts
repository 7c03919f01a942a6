import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { startFakeModelHub, type FakeModelHub } from '../fake/fake-model-hub.js';
import { createEmbeddingModel } from '../create-embedding-model.js';
import { createTransformersEmbeddingModel } from './transformers-embedding-model.js';
import { writeStaticEmbeddingModel } from './write-static-embedding-model.js';

const modelId = 'cuecard-tests/static-embedding';
const dimensions = 24;
const words = (
  'my card was charged twice please refund the payment roaming abroad is free in zone one ' +
  'the router lights are red and internet is down reset the modem'
).split(' ');

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

let modelsDir: string;
beforeAll(async () => {
  modelsDir = await mkdtemp(path.join(tmpdir(), 'cuecard-models-'));
  await writeStaticEmbeddingModel({ modelsDir, modelId, words, dimensions });
});
afterAll(async () => {
  await rm(modelsDir, { recursive: true, force: true });
});

describe('transformers embedding model', () => {
  it('embeds in worker threads from a local model folder: right width, unit vectors, shared words closer', async () => {
    const config = loadConfig({
      CUECARD_EMBEDDINGS: 'transformers',
      CUECARD_TRANSFORMERS_MODEL: modelId,
      CUECARD_MODELS_DIR: modelsDir,
      CUECARD_TRANSFORMERS_LANGUAGES: 'en,zh',
    });
    const model = await createEmbeddingModel(config, { workers: 1, batchSize: 4 });
    try {
      expect(model).toMatchObject({
        id: `transformers/${modelId}`,
        dimensions,
        languages: ['en', 'zh'],
      });
      const [charged, refund, roaming, blank] = await model.embed([
        'My card was charged twice',
        'please refund my card payment',
        'roaming abroad is free in zone one',
        '   ',
      ]);
      for (const vector of [charged!, refund!, roaming!, blank!]) {
        expect(vector).toHaveLength(dimensions);
        expect(cosine(vector, vector)).toBeCloseTo(1, 4);
      }
      expect(cosine(charged!, refund!)).toBeGreaterThan(cosine(charged!, roaming!) + 0.2);

      // Many texts of different lengths, batched by the pool and padded inside each batch, give
      // the same vectors as one text at a time in-process (padding must not leak into the mean).
      const texts = Array.from(
        { length: 30 },
        (_, i) => `${words.slice(i % 7, (i % 7) + 2 + (i % 5)).join(' ')} ${i % 3 ? 'reset' : ''}`,
      );
      const pooled = await model.embed(texts);
      const inProcess = await createTransformersEmbeddingModel({ model: modelId, modelsDir });
      for (const [i, text] of texts.entries()) {
        const [alone] = await inProcess.embed([text]);
        expect(Array.from(pooled[i]!)).toEqual(
          Array.from(alone!).map((value) => expect.closeTo(value, 5) as unknown as number),
        );
      }
    } finally {
      await model.close();
    }
  });

  it('fails at start, before any worker, saying where it looked and how to fix it', async () => {
    const config = loadConfig({
      CUECARD_EMBEDDINGS: 'transformers',
      CUECARD_TRANSFORMERS_MODEL: 'someone/not-here',
      CUECARD_MODELS_DIR: modelsDir,
    });
    const error = await createEmbeddingModel(config).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringContaining(path.join(modelsDir, 'someone/not-here')),
    });
    expect((error as Error).message).toMatch(/onnx\/model\.onnx/);
    expect((error as Error).message).toMatch(/CUECARD_MODELS_DIR/);
    expect((error as Error).message).toMatch(/CUECARD_ALLOW_MODEL_DOWNLOAD=true/);

    // A half-copied folder names the file that is missing.
    const partial = path.join(modelsDir, 'someone', 'partial');
    await writeStaticEmbeddingModel({ modelsDir, modelId: 'someone/partial', words, dimensions });
    await rm(path.join(partial, 'onnx'), { recursive: true });
    await expect(
      createTransformersEmbeddingModel({ model: 'someone/partial', modelsDir }),
    ).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringMatching(/is incomplete: missing onnx\/model\.onnx\./),
    });
  });

  it('fails with a clear error when the files are there but are not a model', async () => {
    const broken = 'someone/broken';
    await writeStaticEmbeddingModel({ modelsDir, modelId: broken, words, dimensions });
    await writeFile(path.join(modelsDir, broken, 'onnx', 'model.onnx'), 'not a model');
    await expect(
      createTransformersEmbeddingModel({ model: broken, modelsDir }),
    ).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringContaining(`Could not load transformers model "${broken}"`),
    });
  });

  describe('with downloads allowed (connected deployments)', () => {
    let hub: FakeModelHub;
    beforeAll(async () => {
      hub = await startFakeModelHub(modelsDir);
    });
    afterAll(() => hub.close());

    it('downloads a missing model into the models folder, then loads it offline', async () => {
      const emptyDir = await mkdtemp(path.join(tmpdir(), 'cuecard-models-empty-'));
      try {
        const downloaded = await createTransformersEmbeddingModel({
          model: modelId,
          modelsDir: emptyDir,
          allowDownload: true,
          hubUrl: hub.url,
        });
        expect(hub.requested.some((url) => url.endsWith('/onnx/model.onnx'))).toBe(true);
        await access(path.join(emptyDir, modelId, 'onnx', 'model.onnx'));
        const offline = await createTransformersEmbeddingModel({
          model: modelId,
          modelsDir: emptyDir,
        });
        const [a] = await downloaded.embed(['refund the payment']);
        const [b] = await offline.embed(['refund the payment']);
        expect(Array.from(b!)).toEqual(Array.from(a!));
      } finally {
        await rm(emptyDir, { recursive: true, force: true });
      }
    });

    it('through the factory: downloads once, then every worker loads the local copy', async () => {
      const emptyDir = await mkdtemp(path.join(tmpdir(), 'cuecard-models-empty-'));
      hub.requested.length = 0;
      const config = loadConfig({
        CUECARD_EMBEDDINGS: 'transformers',
        CUECARD_TRANSFORMERS_MODEL: modelId,
        CUECARD_MODELS_DIR: emptyDir,
        CUECARD_ALLOW_MODEL_DOWNLOAD: 'true',
        CUECARD_MODEL_HUB_URL: hub.url,
      });
      const model = await createEmbeddingModel(config, { workers: 2 });
      try {
        expect(hub.requested.filter((url) => url.endsWith('/onnx/model.onnx'))).toHaveLength(1);
        expect(model.dimensions).toBe(dimensions);
        const vectors = await model.embed(['refund the payment', 'the router is down']);
        expect(vectors.map((vector) => vector.length)).toEqual([dimensions, dimensions]);
      } finally {
        await model.close();
        await rm(emptyDir, { recursive: true, force: true });
      }
    });
  });
});
