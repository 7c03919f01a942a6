import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { openInThreadPgliteDatabase } from './pglite-database.js';
import { openPgliteWorkerDatabase } from './pglite-worker-database.js';

/** Rejection or resolution, as a value, so that both engines can be compared. */
async function outcome(work: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await work() };
  } catch (error) {
    const { code, constraint, detail, severity, name } = error as Record<string, unknown>;
    return {
      error: { message: (error as Error).message, code, constraint, detail, severity, name },
    };
  }
}

class Money {
  constructor(readonly cents: number) {}
  toJSON() {
    return { amount: this.cents / 100 };
  }
}

describe('embedded PGlite in a worker thread', () => {
  let worker: Database;
  let inThread: Database;
  const schema = `
    CREATE TABLE things (id bigserial PRIMARY KEY, name text UNIQUE NOT NULL, at timestamptz,
      day date, doc jsonb, raw bytea, tags text[], score float8, price numeric, flag boolean,
      embedding vector(3));`;

  beforeAll(async () => {
    [worker, inThread] = await Promise.all([
      openPgliteWorkerDatabase(undefined),
      openInThreadPgliteDatabase(undefined),
    ]);
    await Promise.all([worker.exec(schema), inThread.exec(schema)]);
  });
  afterAll(async () => {
    await Promise.all([worker?.close(), inThread?.close()]);
  });

  it('returns the same values and the same errors as PGlite in this thread', async () => {
    const at = new Date('2026-03-01T10:20:30.456Z');
    const steps: Array<(db: Database) => Promise<unknown>> = [
      (db) =>
        db.query(
          `INSERT INTO things (name, at, day, doc, raw, tags, score, price, flag, embedding)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::vector) RETURNING *`,
          [
            'first',
            at,
            '2026-03-01',
            { total: new Money(1250), at, nested: [1, 'two', null], skipped: undefined },
            Buffer.from([0, 1, 2, 255]),
            ['refund', 'billing "quoted"'],
            0.125,
            '12.50',
            true,
            '[0.5,0.25,-1]',
          ],
        ),
      (db) =>
        db.query('INSERT INTO things (name, doc, raw) VALUES ($1, $2, $3) RETURNING id, doc, raw', [
          'second',
          JSON.stringify({ already: 'text' }),
          new Uint8Array([7, 8]),
        ]),
      (db) =>
        db.query(
          `SELECT count(*) AS n, max(id) AS top, array_agg(name ORDER BY id) AS names,
                  sum(score) AS total, max(at) AS latest, bool_and(flag) AS flags FROM things`,
        ),
      (db) =>
        db.query('SELECT embedding <=> $1::vector AS distance FROM things WHERE id = 1', [
          '[1,0,0]',
        ]),
      (db) => db.query('UPDATE things SET score = 1 WHERE id > $1', [0]),
      (db) => db.query('SELECT id FROM things WHERE id = $1', [999]),
      // A unique violation must keep its SQLSTATE: callers tell "already there" from real failures.
      (db) => db.query('INSERT INTO things (name) VALUES ($1)', ['first']),
      (db) => db.query('SELEC 1'),
      (db) => db.query('SELECT $1::int', ['not a number']),
    ];
    for (const step of steps) {
      const [fromWorker, fromThread] = await Promise.all([
        outcome(() => step(worker)),
        outcome(() => step(inThread)),
      ]);
      expect(fromWorker).toEqual(fromThread);
    }
    const { rows } = await worker.query<{ id: number; at: Date; raw: Uint8Array; doc: unknown }>(
      'SELECT id, at, raw, doc FROM things WHERE id = 1',
    );
    expect(rows[0]).toMatchObject({ id: 1, at });
    expect(rows[0]!.at).toBeInstanceOf(Date);
    expect(Array.from(rows[0]!.raw)).toEqual([0, 1, 2, 255]);
    expect(rows[0]!.doc).toEqual({
      total: { amount: 12.5 },
      at: at.toISOString(),
      nested: [1, 'two', null],
    });
    await expect(
      worker.query('INSERT INTO things (name) VALUES ($1)', ['first']),
    ).rejects.toMatchObject({
      code: '23505',
      constraint: 'things_name_key',
    });
  });

  it('commits or rolls back a transaction; other statements wait until it ends', async () => {
    await expect(
      worker.transaction(async (tx) => {
        await tx.query('INSERT INTO things (name) VALUES ($1)', ['rolled back']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    let outside: Promise<{ rows: Array<{ n: number }> }> | undefined;
    const inside = await worker.transaction(async (tx) => {
      await tx.query('INSERT INTO things (name) VALUES ($1)', ['committed']);
      // Issued while the transaction is open: it runs after the commit and sees its row.
      outside = worker.query<{ n: number }>(
        `SELECT count(*) AS n FROM things WHERE name IN ('committed', 'rolled back')`,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { rows } = await tx.query<{ n: number }>(
        `SELECT count(*) AS n FROM things WHERE name = 'committed'`,
      );
      return rows[0]!.n;
    });
    expect(inside).toBe(1);
    expect((await outside!).rows[0]!.n).toBe(1);
    // A failed statement aborts the transaction, as on a server; the caller's throw rolls it back.
    await expect(
      worker.transaction(async (tx) => {
        await tx.query('INSERT INTO things (name) VALUES ($1)', ['half']);
        await tx.query('INSERT INTO things (name) VALUES ($1)', ['first']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect((await worker.query(`SELECT 1 FROM things WHERE name = 'half'`)).rows).toEqual([]);
  });

  it('keeps the event loop free and lets interactive statements pass queued background ones', async () => {
    const heavy = `SELECT count(*) AS n FROM generate_series(1, 1000000) AS s(i) WHERE i % 7 = 0`;
    const finished: string[] = [];
    const track = (name: string, work: Promise<unknown>) =>
      work.then(() => {
        finished.push(name);
      });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const searches = [1, 2, 3].map((n) =>
      track(`search-${n}`, worker.query(heavy, [], { priority: 'background' })),
    );
    // Queued while the first search runs: it goes before the two searches still waiting.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const write = track(
      'event-insert',
      worker.query('INSERT INTO things (name) VALUES ($1)', ['live']),
    );
    await Promise.all([...searches, write]);
    clearInterval(timer);
    expect(finished.indexOf('event-insert')).toBeLessThan(finished.indexOf('search-3'));
    expect(finished.indexOf('event-insert')).toBeLessThanOrEqual(1);
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('embedded PGlite worker lifecycle', () => {
  it('lets statements already issued finish on close, then refuses new ones', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cuecard-pglite-worker-'));
    const db = await openPgliteWorkerDatabase(dataDir);
    await db.exec('CREATE TABLE notes (id int PRIMARY KEY)');
    const writes = Array.from({ length: 20 }, (_, i) =>
      db.query('INSERT INTO notes VALUES ($1)', [i], {
        priority: i % 2 ? 'background' : 'interactive',
      }),
    );
    await db.close();
    await expect(Promise.all(writes)).resolves.toHaveLength(20);
    await expect(db.query('SELECT 1')).rejects.toThrow(/closed/);
    // Everything reached the data folder.
    const reopened = await openPgliteWorkerDatabase(dataDir);
    try {
      expect((await reopened.query('SELECT count(*) AS n FROM notes')).rows).toEqual([{ n: 20 }]);
    } finally {
      await reopened.close();
    }
  });

  it('fails loudly, with the cause, when the database cannot start', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cuecard-pglite-worker-'));
    const notAFolder = path.join(dir, 'data');
    await writeFile(notAFolder, 'not a data folder');
    await expect(openPgliteWorkerDatabase(notAFolder)).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringMatching(/could not start: .*EEXIST/),
    });
  });
});
