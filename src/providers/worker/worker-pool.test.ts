import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TextClassification } from '../spec/text-classifier.js';
import { startWorkerPool, type WorkerPoolOptions } from './worker-pool.js';
import type { TextClassifierInfo } from './worker-text-classifier.js';

/** The pool with the text-classifier entry and the keyword fake, counting texts it classifies. */
function startFakePool(options: Partial<WorkerPoolOptions<TextClassification>> = {}) {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const pool = startWorkerPool<TextClassifierInfo, TextClassification>({
    entry: new URL('./text-classifier-worker.ts', import.meta.url),
    modulePath: fileURLToPath(new URL('./fake-text-classifier.ts', import.meta.url)),
    exportName: 'createFakeTextClassifier',
    args: [counter],
    names: { model: 'Fake model', worker: 'Fake worker', task: 'Fake task' },
    defaultCacheSize: 100,
    ...options,
  });
  return { pool, classified: () => Atomics.load(counter, 0) };
}

describe('worker pool', () => {
  it('remembers the most recently used texts, up to cacheSize', async () => {
    const { pool: starting, classified } = startFakePool({ cacheSize: 2 });
    const pool = await starting;
    try {
      expect(pool.info).toEqual({ id: 'fake/keywords', labels: ['negative', 'positive'] });
      const [a, b] = await pool.run(['a', 'b']);
      expect(classified()).toBe(2);
      // A hit makes `a` the most recent, so `c` pushes out `b`.
      expect((await pool.run(['a']))[0]).toBe(a);
      await pool.run(['c']);
      expect(classified()).toBe(3);
      const [a2, b2] = await pool.run(['a', 'b']);
      expect(a2).toBe(a);
      expect(b2).not.toBe(b);
      expect(b2).toEqual(b);
      expect(classified()).toBe(4);
    } finally {
      await pool.close();
    }
  });

  it('an aborted call gives up its queued texts: they never reach a worker', async () => {
    const { pool: starting, classified } = startFakePool({ workers: 1, batchSize: 1 });
    const pool = await starting;
    try {
      const busy = pool.run(['<slow>']);
      const controller = new AbortController();
      const aborted = pool.run(
        Array.from({ length: 20 }, (_, i) => `queued ${i}`),
        controller.signal,
      );
      controller.abort(new Error('turn superseded'));
      await expect(aborted).rejects.toThrow('turn superseded');
      await busy;
      const [result] = await pool.run(['a good one']);
      expect(result![0]!.label).toBe('positive');
      expect(classified()).toBe(2);
      await expect(pool.run(['x'], controller.signal)).rejects.toThrow('turn superseded');
    } finally {
      await pool.close();
    }
  });

  it('close() fails the batch in a worker, the queued texts and every later call', async () => {
    const { pool: starting } = startFakePool({ workers: 1, batchSize: 1 });
    const pool = await starting;
    const closedError = {
      code: 'provider_unavailable',
      retryable: false,
      message: 'Fake model "fake/keywords" is closed',
    };
    const computing = expect(pool.run(['<slow>'])).rejects.toMatchObject(closedError);
    const queued = expect(pool.run(['later'])).rejects.toMatchObject(closedError);
    await pool.close();
    await computing;
    await queued;
    await expect(pool.run(['good'])).rejects.toMatchObject(closedError);
    // Twice is harmless.
    await pool.close();
  });

  it('a worker that fails to load stops the start, naming the worker and the cause', async () => {
    await expect(
      startFakePool({ exportName: 'noSuchFactory', workers: 2 }).pool,
    ).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringMatching(/^Fake worker failed to load: .*noSuchFactory/),
    });
  });
});
