import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createWorkerEmbeddingModel } from './worker-embedding-model.js';
import { createHashingEmbeddingModel } from '../local/hashing-embedding-model.js';

const hashingModule = fileURLToPath(
  new URL('../local/hashing-embedding-model.ts', import.meta.url),
);

describe('worker embedding model', () => {
  it('gives the same vectors as the model in-process, from worker threads, batched and cached', async () => {
    const local = createHashingEmbeddingModel(64);
    const pooled = await createWorkerEmbeddingModel({
      modulePath: hashingModule,
      exportName: 'createHashingEmbeddingModel',
      args: [64],
      workers: 2,
      batchSize: 4,
    });
    try {
      expect(pooled.dimensions).toBe(64);
      const texts = Array.from({ length: 25 }, (_, i) => `customer asks about refund number ${i}`);
      // Many callers at once, as many conversations would: all answered, each with its own vector.
      const results = await Promise.all(texts.map((text) => pooled.embed([text])));
      const expected = await local.embed(texts);
      results.forEach(([vector], i) =>
        expect(Array.from(vector!)).toEqual(Array.from(expected[i]!)),
      );
      // The event loop stays free while workers compute: a timer fires during a big request.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      await pooled.embed(
        Array.from({ length: 400 }, (_, i) => `another sentence ${i} ${'word '.repeat(50)}`),
      );
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(0);
      // Repeated texts come from the cache, identical.
      const again = await pooled.embed([texts[3]!]);
      expect(again[0]).toBe(results[3]![0]);
    } finally {
      await pooled.close();
    }
  });

  it('fails with a clear error when the model cannot load', async () => {
    await expect(
      createWorkerEmbeddingModel({ modulePath: hashingModule, exportName: 'noSuchFactory' }),
    ).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringContaining('noSuchFactory'),
    });
  });
});
