import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { engines, openTestDatabase } from '../../test/support/test-database.js';
import {
  createWorkQueue,
  enqueueWork,
  startWorkRunner,
  type ClaimedWorkItem,
  type WorkItemInput,
} from './work-queue.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function analyze(key: string, seq: number, extra: Partial<WorkItemInput> = {}): WorkItemInput {
  return { kind: 'analyze', key, seq, dedupKey: `${key}:${seq}`, payload: { seq }, ...extra };
}

describe.each(engines)('work queue (%s)', (engine) => {
  let db: Database;

  beforeAll(async () => {
    db = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM work_items');
  });

  const enqueue = (item: WorkItemInput) => db.transaction((tx) => enqueueWork(tx, item));
  const claimed = (item: ClaimedWorkItem | null) => item && `${item.key}:${item.seq}`;

  it('enqueues with the caller’s transaction: a rollback leaves no work, a repeat is a no-op', async () => {
    await db.query(
      `INSERT INTO tenants (id, name) VALUES ('wq', 'Work queue') ON CONFLICT DO NOTHING`,
    );
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`UPDATE tenants SET name = 'changed' WHERE id = 'wq'`);
        await enqueueWork(tx, analyze('c1', 1));
        throw new Error('the item was not accepted');
      }),
    ).rejects.toThrow('not accepted');
    const queue = createWorkQueue(db, { owner: 'a' });
    expect(await queue.claim()).toBeNull();

    expect(await enqueue(analyze('c1', 1))).toEqual(expect.any(Number));
    expect(await enqueue(analyze('c1', 1, { payload: { other: true } }))).toBeNull();
    const item = await queue.claim();
    expect(item).toMatchObject({
      kind: 'analyze',
      key: 'c1',
      seq: 1,
      payload: { seq: 1 },
      attempt: 1,
    });
    expect(await queue.complete(item!)).toBe(true);
    // Still a duplicate once done: finished rows keep their key until purged.
    expect(await enqueue(analyze('c1', 1))).toBeNull();
    expect(await queue.purgeFinished(-1_000)).toBe(1);
    expect(await enqueue(analyze('c1', 1))).toEqual(expect.any(Number));
  });

  it('hands out a conversation’s items one at a time, in order, and others meanwhile', async () => {
    await enqueue(analyze('c1', 1));
    await enqueue(analyze('c1', 2));
    await enqueue(analyze('c2', 1));
    await enqueue({ kind: 'wrap-up', key: 'c1', seq: 3, dedupKey: 'c1' });
    const a = createWorkQueue(db, { owner: 'a' });
    const b = createWorkQueue(db, { owner: 'b' });

    const first = await a.claim();
    const second = await b.claim();
    expect([claimed(first), claimed(second)]).toEqual(['c1:1', 'c2:1']);
    // c1:2 waits for c1:1, even though another worker is free.
    expect(await b.claim()).toBeNull();
    await a.complete(first!);
    expect(claimed(await b.claim())).toBe('c1:2');
    // The wrap-up of c1 comes after every analysis of c1.
    expect(await a.claim()).toBeNull();
  });

  it('lets another worker take over an expired lease and fences the old holder out', async () => {
    await enqueue(analyze('c1', 1));
    await enqueue(analyze('c1', 2));
    const dead = createWorkQueue(db, { owner: 'dead', leaseMs: 150 });
    const live = createWorkQueue(db, { owner: 'live', leaseMs: 5_000 });

    const lost = await dead.claim();
    expect(await live.claim()).toBeNull();
    await sleep(300);
    const taken = await live.claim();
    expect(taken).toMatchObject({ key: 'c1', seq: 1, attempt: 2 });
    // The first holder wakes up late: every write of its attempt is refused.
    expect(await dead.heartbeat(lost!)).toBe(false);
    expect(await dead.complete(lost!)).toBe(false);
    expect(await dead.fail(lost!, 'internal')).toBe('lease_lost');
    expect(await live.complete(taken!)).toBe(true);
    expect(claimed(await live.claim())).toBe('c1:2');
  });

  it('releases a dead process’s leases at start-up instead of waiting for them to expire', async () => {
    await enqueue(analyze('c1', 1));
    await enqueue(analyze('c2', 1));
    const before = createWorkQueue(db, { owner: 'instance-a', leaseMs: 60_000 });
    const lost = await before.claim();
    await createWorkQueue(db, { owner: 'instance-b', leaseMs: 60_000 }).claim();
    // instance-a restarts (kill -9, then start): it frees its own leases, not instance-b's.
    const after = createWorkQueue(db, { owner: 'instance-a' });
    expect(await after.releaseLeases('instance-a')).toBe(1);
    expect(await after.claim()).toMatchObject({ key: lost!.key, attempt: 2 });
    expect(await after.claim()).toBeNull();
    expect(await before.complete(lost!)).toBe(false);
    expect(await after.releaseLeases('all')).toBe(2);
  });

  it('keeps a lease alive with heartbeats', async () => {
    await enqueue(analyze('c1', 1));
    const holder = createWorkQueue(db, { owner: 'holder', leaseMs: 200 });
    const other = createWorkQueue(db, { owner: 'other' });
    const item = await holder.claim();
    for (let i = 0; i < 5; i++) {
      await sleep(80);
      expect(await holder.heartbeat(item!)).toBe(true);
      expect(await other.claim()).toBeNull();
    }
    expect(await holder.complete(item!)).toBe(true);
  });

  it('completes in the transaction that writes the results: a rollback keeps the work pending', async () => {
    await enqueue(analyze('c1', 1));
    const queue = createWorkQueue(db, { owner: 'a', leaseMs: 150 });
    const item = await queue.claim();
    await expect(
      db.transaction(async (tx) => {
        expect(await queue.complete(item!, tx)).toBe(true);
        throw new Error('results not written');
      }),
    ).rejects.toThrow('results not written');
    await sleep(250);
    expect(await queue.claim()).toMatchObject({ key: 'c1', seq: 1, attempt: 2 });
  });

  it('retries after a back-off, keeps the order meanwhile, and gives up after maxAttempts', async () => {
    await enqueue(analyze('c1', 1, { maxAttempts: 2 }));
    await enqueue(analyze('c1', 2));
    const queue = createWorkQueue(db, { owner: 'a', retryDelayMs: () => 150 });

    const first = await queue.claim();
    expect(await queue.fail(first!, 'analyzer_timeout')).toBe('retry');
    // Neither the failed item (backing off) nor its successor (waiting for it) is claimable.
    expect(await queue.claim()).toBeNull();
    await sleep(250);
    const again = await queue.claim();
    expect(again).toMatchObject({ seq: 1, attempt: 2 });
    expect(await queue.fail(again!, 'analyzer_timeout')).toBe('failed');
    // Given up: the conversation goes on.
    expect(claimed(await queue.claim())).toBe('c1:2');
    const { rows } = await db.query<{ state: string; last_error: string }>(
      `SELECT state, last_error FROM work_items WHERE dedup_key = 'c1:1'`,
    );
    expect(rows[0]).toEqual({ state: 'failed', last_error: 'analyzer_timeout' });
  });

  it('gives up an item whose every holder died instead of handing it out forever', async () => {
    await enqueue(analyze('c1', 1, { maxAttempts: 2 }));
    await enqueue(analyze('c1', 2));
    const crashing = createWorkQueue(db, { owner: 'crashing', leaseMs: 100 });
    expect(await crashing.claim()).toMatchObject({ seq: 1, attempt: 1 });
    await sleep(200);
    expect(await crashing.claim()).toMatchObject({ seq: 1, attempt: 2 });
    await sleep(200);
    expect(claimed(await crashing.claim())).toBe('c1:2');
  });

  it('runs every item once, in order per conversation, with several runners at once', async () => {
    const keys = ['c1', 'c2', 'c3', 'c4'];
    for (let seq = 1; seq <= 6; seq++) for (const key of keys) await enqueue(analyze(key, seq));
    const seen: Array<{ key: string; seq: number; start: number; end: number }> = [];
    const runners = ['r1', 'r2'].map((owner) =>
      startWorkRunner({
        queue: createWorkQueue(db, { owner }),
        concurrency: 2,
        pollMs: 50,
        async handle(item) {
          const start = performance.now();
          await sleep(5);
          seen.push({ key: item.key, seq: item.seq, start, end: performance.now() });
        },
      }),
    );
    for (let i = 0; i < 200 && seen.length < 24; i++) await sleep(50);
    await Promise.all(runners.map((runner) => runner.stop()));

    expect(seen).toHaveLength(24);
    for (const key of keys) {
      const mine = seen.filter((s) => s.key === key);
      expect(mine.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      for (let i = 1; i < mine.length; i++) {
        expect(mine[i]!.start).toBeGreaterThanOrEqual(mine[i - 1]!.end);
      }
    }
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM work_items WHERE state = 'done'`,
    );
    expect(rows[0]!.n).toBe(24);
  });

  it('retries a throwing handler and records only an error code', async () => {
    await enqueue(analyze('c1', 1));
    let calls = 0;
    const runner = startWorkRunner({
      queue: createWorkQueue(db, { owner: 'r', retryDelayMs: () => 0 }),
      pollMs: 20,
      async handle() {
        calls += 1;
        if (calls === 1) throw new Error('customer said: my card is 4111 1111 1111 1111');
      },
    });
    for (let i = 0; i < 100 && calls < 2; i++) await sleep(20);
    await sleep(100);
    await runner.stop();
    const { rows } = await db.query<{ state: string; attempts: number; last_error: string }>(
      `SELECT state, attempts, last_error FROM work_items`,
    );
    expect(rows[0]).toEqual({ state: 'done', attempts: 2, last_error: 'internal' });
  });
});
