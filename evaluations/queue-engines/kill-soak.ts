// Kill -9 soak of src/stores/work-queue.ts: instances enqueue items (each in the transaction that
// stores the item), run them with a handler that writes its effect and completes the row in one
// transaction, and are killed with SIGKILL and restarted at random. At the end every acknowledged
// item must have exactly one effect, in seq order per key, and no work may be left.
//
//   npx tsx evaluations/queue-engines/kill-soak.ts                      # embedded PGlite, 1 instance
//   npx tsx evaluations/queue-engines/kill-soak.ts --url postgres://…/postgres --instances 3
//   options: --seconds 40 (killing phase), --keys 8, --lease-ms 2000
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Database } from '../../src/stores/database.js';
import { migrate } from '../../src/stores/migrate.js';
import { openDatabase } from '../../src/stores/open-database.js';
import { createWorkQueue, enqueueWork, startWorkRunner } from '../../src/stores/work-queue.js';

interface Options {
  url: string | undefined;
  instances: number;
  seconds: number;
  keys: number;
  leaseMs: number;
}

function parse(argv: string[]): Options {
  const value = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  return {
    url: value('url'),
    instances: Number(value('instances') ?? 1),
    seconds: Number(value('seconds') ?? 40),
    keys: Number(value('keys') ?? 8),
    leaseMs: Number(value('lease-ms') ?? 2000),
  };
}

const soakSchema = `
CREATE TABLE IF NOT EXISTS soak_items (key text NOT NULL, seq int NOT NULL, PRIMARY KEY (key, seq));
CREATE TABLE IF NOT EXISTS soak_effects (
  id bigserial PRIMARY KEY, key text NOT NULL, seq int NOT NULL, attempt int NOT NULL, owner text NOT NULL);`;

async function pendingCount(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM work_items WHERE state = 'pending'`,
  );
  return rows[0]?.n ?? -1;
}

// ------------------------------------------------------------------ instance --------------
async function instance(index: number, options: Options, target: string): Promise<void> {
  const engine = options.url ? 'postgres' : 'pglite';
  const db = await openDatabase(
    engine === 'postgres' ? { databaseUrl: target } : { dataDir: target },
  );
  if (engine === 'pglite') {
    await migrate(db);
    await db.exec(soakSchema);
  }
  const owner = `instance-${index}`;
  const queue = createWorkQueue(db, { owner, leaseMs: options.leaseMs, retryDelayMs: () => 100 });
  // One process per PGlite data folder: whatever is leased at start belongs to a dead process.
  const released = await queue.releaseLeases(engine === 'pglite' ? 'all' : owner);
  process.send?.({ type: 'started', released });

  const runner = startWorkRunner({
    queue,
    concurrency: 2,
    pollMs: 200,
    async handle(item) {
      await sleep(Math.random() * 10);
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO soak_effects (key, seq, attempt, owner) VALUES ($1, $2, $3, $4)`,
          [item.key, item.seq, item.attempt, owner],
        );
        // Fenced: if another instance took the row over meanwhile, the effect rolls back.
        if (!(await queue.complete(item, tx))) throw new Error('lease lost');
      });
      return 'completed';
    },
  });

  let producing = true;
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stop-producing') producing = false;
    if (message.type === 'stop') {
      void (async () => {
        // Finish what is pending (takeovers of killed instances' leases included) first.
        for (let i = 0; i < 300 && (await pendingCount(db)) > 0; i++) await sleep(200);
        await runner.stop();
        await db.close();
        process.exit(0);
      })();
    }
  });
  process.on('disconnect', () => process.exit(1));

  // This instance produces the keys k{i} with i % instances === index, each in seq order.
  const mine = Array.from({ length: options.keys }, (_, i) => `k${i}`).filter(
    (_, i) => i % options.instances === index,
  );
  const next = new Map<string, number>();
  for (const key of mine) {
    const { rows } = await db.query<{ max: number | null }>(
      'SELECT max(seq) AS max FROM soak_items WHERE key = $1',
      [key],
    );
    next.set(key, (rows[0]?.max ?? 0) + 1);
  }
  while (producing) {
    for (const key of mine) {
      if (!producing) break;
      const seq = next.get(key) ?? 1;
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO soak_items (key, seq) VALUES ($1, $2)', [key, seq]);
        await enqueueWork(tx, { kind: 'analyze', key, seq, dedupKey: `${key}:${seq}` });
      });
      next.set(key, seq + 1);
      runner.wake();
      process.send?.({ type: 'ack', key, seq });
    }
    await sleep(20);
  }
  process.send?.({ type: 'produced' });
}

// ------------------------------------------------------------------ parent ----------------
async function main(options: Options): Promise<void> {
  let target: string;
  let dropDatabase = async () => undefined as void;
  if (options.url) {
    const name = `soak_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(options.url);
    url.pathname = `/${name}`;
    target = url.toString();
    const db = await openDatabase({ databaseUrl: target });
    await migrate(db);
    await db.exec(soakSchema);
    await db.close();
    dropDatabase = async () => {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    };
  } else {
    if (options.instances !== 1)
      throw new Error('PGlite: one process per data folder (--instances 1)');
    target = mkdtempSync(path.join(os.tmpdir(), 'soak-pglite-'));
  }

  const acked = new Set<string>();
  const children: Array<ChildProcess | null> = [];
  let kills = 0;
  let released = 0;
  const start = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const child = fork(
        process.argv[1]!,
        ['--instance', String(index), target, ...process.argv.slice(2)],
        {
          execArgv: process.execArgv,
        },
      );
      child.on(
        'message',
        (message: { type: string; key?: string; seq?: number; released?: number }) => {
          if (message.type === 'ack') acked.add(`${message.key}:${message.seq}`);
          if (message.type === 'started') {
            released += message.released ?? 0;
            resolve();
          }
        },
      );
      child.once('exit', (code, signal) => {
        if (signal !== 'SIGKILL' && code !== 0)
          reject(new Error(`instance ${index} exited ${code}`));
      });
      children[index] = child;
    });
  for (let i = 0; i < options.instances; i++) await start(i);

  const until = Date.now() + options.seconds * 1000;
  while (Date.now() < until) {
    await sleep(2000 + Math.random() * 3000);
    const index = Math.floor(Math.random() * options.instances);
    const victim = children[index];
    if (!victim) continue;
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.once('exit', resolve));
    kills += 1;
    await start(index);
  }
  for (const child of children) child?.send({ type: 'stop-producing' });

  // Each instance finishes what is pending, then stops.
  for (const child of children) {
    if (!child) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ type: 'stop' });
    await exited;
  }

  const db = await openDatabase(options.url ? { databaseUrl: target } : { dataDir: target });
  const effects = (
    await db.query<{ key: string; seq: number; id: number }>(
      'SELECT key, seq, id FROM soak_effects ORDER BY id',
    )
  ).rows;
  const items = (await db.query<{ key: string; seq: number }>('SELECT key, seq FROM soak_items'))
    .rows;
  const left = await pendingCount(db);
  const attempts = (
    await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM work_items WHERE attempts > 1`)
  ).rows[0]?.n;
  await db.close();

  const count = new Map<string, number>();
  for (const e of effects)
    count.set(`${e.key}:${e.seq}`, (count.get(`${e.key}:${e.seq}`) ?? 0) + 1);
  const lastSeq = new Map<string, number>();
  let outOfOrder = 0;
  for (const e of effects) {
    if ((lastSeq.get(e.key) ?? 0) >= e.seq) outOfOrder += 1;
    lastSeq.set(e.key, e.seq);
  }
  const result = {
    engine: options.url ? 'postgres' : 'pglite',
    instances: options.instances,
    seconds: options.seconds,
    leaseMs: options.leaseMs,
    kills,
    leasesReleasedAtStart: released,
    itemsStored: items.length,
    itemsAcknowledged: acked.size,
    acknowledgedWithoutEffect: [...acked].filter((k) => !count.has(k)).length,
    storedWithoutEffect: items.filter((i) => !count.has(`${i.key}:${i.seq}`)).length,
    effectsMoreThanOnce: [...count.values()].filter((n) => n > 1).length,
    effectsOutOfOrder: outOfOrder,
    itemsRetriedOrTakenOver: attempts,
    pendingLeft: left,
  };
  console.log(JSON.stringify(result));
  await dropDatabase();
  if (!options.url) rmSync(target, { recursive: true, force: true });
  const ok =
    result.acknowledgedWithoutEffect === 0 &&
    result.storedWithoutEffect === 0 &&
    result.effectsMoreThanOnce === 0 &&
    result.effectsOutOfOrder === 0 &&
    result.pendingLeft === 0;
  process.exit(ok ? 0 : 1);
}

const argv = process.argv.slice(2);
if (argv[0] === '--instance') {
  await instance(Number(argv[1]), parse(argv.slice(3)), argv[2]!);
} else {
  await main(parse(argv));
}
