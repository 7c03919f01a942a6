import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeadlineWorker, type DeadlineWorker } from './deadline-worker.js';

const modulePath = fileURLToPath(new URL('./testing/worker-functions.ts', import.meta.url));

describe('deadline worker', () => {
  let worker: DeadlineWorker<[number, string], string> | undefined;
  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  it('answers calls in order, one at a time, in its own thread', async () => {
    worker = createDeadlineWorker({
      modulePath,
      exportName: 'spin',
      deadlineMs: 10_000,
      name: 'Spin',
    });
    const answers = await Promise.all([worker.run(50, 'a'), worker.run(0, 'b')]);
    expect(answers).toEqual([
      { status: 'done', result: 'a' },
      { status: 'done', result: 'b' },
    ]);
  });

  it('stops a call past its deadline, answers late, and runs the next call in a fresh thread', async () => {
    worker = createDeadlineWorker({
      modulePath,
      exportName: 'spin',
      deadlineMs: 300,
      name: 'Spin',
    });
    // Started first, so that thread start-up (not counted) is out of the way.
    expect(await worker.run(0, 'warm')).toEqual({ status: 'done', result: 'warm' });
    const started = Date.now();
    const [slow, next] = await Promise.all([worker.run(60_000, 'never'), worker.run(0, 'next')]);
    expect(slow).toEqual({ status: 'late' });
    expect(next).toEqual({ status: 'done', result: 'next' });
    // Terminated, not left to spin for a minute.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('fails a call whose function throws, and goes on', async () => {
    const failing = createDeadlineWorker<[string], never>({
      modulePath,
      exportName: 'fail',
      deadlineMs: 10_000,
      name: 'Fail',
    });
    try {
      await expect(failing.run('boom')).rejects.toMatchObject({ code: 'internal' });
      await expect(failing.run('again')).rejects.toThrow(/Fail failed: again/);
    } finally {
      await failing.close();
    }
  });

  it('fails every call when the function cannot be loaded', async () => {
    worker = createDeadlineWorker({
      modulePath,
      exportName: 'missing',
      deadlineMs: 10_000,
      name: 'Missing',
    });
    await expect(worker.run(0, 'x')).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringMatching(/has no function missing/),
    });
  });

  it('fails queued and running calls on close, and later ones', async () => {
    worker = createDeadlineWorker({
      modulePath,
      exportName: 'spin',
      deadlineMs: 60_000,
      name: 'Spin',
    });
    const running = expect(worker.run(60_000, 'a')).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
    const queued = expect(worker.run(0, 'b')).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await worker.close();
    await running;
    await queued;
    await expect(worker.run(0, 'c')).rejects.toThrow(/closed/);
  });
});
