#!/usr/bin/env node
// What of each queue engine works on embedded PGlite (decision 0008). Each probe is bounded and
// reports what it saw; nothing here needs a server. See README.md beside this file.
//
//   node evaluations/queue-engines/pglite-probe.mjs [--only name,name] [--jobs 300]
import { clearTimeout, setTimeout } from 'node:timers';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';

const now = () => performance.now();
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const JOBS = args.includes('--jobs') ? Number(args[args.indexOf('--jobs') + 1]) : 300;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const probes = {
  // PGlite's own primitives that queue engines rely on.
  async primitives() {
    const db = await PGlite.create();
    const out = {};
    const heard = [];
    await db.listen('probe', (payload) => heard.push(payload));
    await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_notify('probe', 'in-tx')`);
      await sleep(50);
      out.notifyDeliveredBeforeCommit = heard.includes('in-tx');
    });
    await sleep(50);
    out.notifyDeliveredAfterCommit = heard.includes('in-tx');
    await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_notify('probe', 'rolled-back')`);
      await tx.rollback();
    });
    await sleep(50);
    out.notifyOfRolledBackTxDelivered = heard.includes('rolled-back');
    const lock = await db.query(
      'SELECT pg_try_advisory_lock(42) AS a, pg_try_advisory_lock(42) AS b',
    );
    // One backend session: a second "worker" asking for the same lock is the same session.
    out.advisoryLockTwiceInOneSession = lock.rows[0];
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    await db.exec('INSERT INTO t SELECT generate_series(1, 3)');
    const skip = await db.query('SELECT id FROM t ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED');
    out.skipLockedParses = skip.rows.length === 1;
    out.version = (await db.query('SELECT version()')).rows[0].version.split(' on ')[0];
    await db.close();
    return out;
  },

  // graphile-worker through node-postgres on PGlite (createPgConfig: a pool of one connection).
  async graphileWorkerPgConfig() {
    const { run } = await import('graphile-worker');
    const db = await PGlite.create();
    const pool = new pg.Pool(createPgConfig(db));
    pool.on('error', () => undefined);
    const out = {};
    let handled = 0;
    let runner;
    try {
      runner = await withTimeout(
        run({
          pgPool: pool,
          concurrency: 1,
          noHandleSignals: true,
          pollInterval: 500,
          logger: quietGraphileLogger(await import('graphile-worker')),
          taskList: { analyze: async () => void (handled += 1) },
        }),
        20_000,
        'graphile-worker run() (migrate + LISTEN)',
      );
      out.started = true;
      await withTimeout(
        pool.query(`SELECT graphile_worker.add_job('analyze', '{}'::json, queue_name => 'c1')`),
        10_000,
        'add_job while the runner holds the one connection',
      );
      await sleep(3000);
      out.handled = handled;
    } catch (error) {
      out.error = error.message;
    }
    await Promise.race([runner?.stop(), sleep(3000)]).catch(() => undefined);
    await Promise.race([pool.end(), sleep(1000)]).catch(() => undefined);
    await Promise.race([db.close(), sleep(1000)]).catch(() => undefined);
    return out;
  },

  // graphile-worker through pglite-socket's multiplexer (several client connections, one backend).
  async graphileWorkerSocket() {
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const { run } = await import('graphile-worker');
    const db = await PGlite.create();
    const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 8 });
    await server.start();
    const port = server.server?.address()?.port ?? server.port;
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on('error', () => undefined);
    const out = { url: 'pglite-socket, maxConnections 8' };
    let handled = 0;
    let runner;
    try {
      runner = await withTimeout(
        run({
          pgPool: pool,
          concurrency: 2,
          noHandleSignals: true,
          pollInterval: 500,
          logger: quietGraphileLogger(await import('graphile-worker')),
          taskList: { analyze: async () => void (handled += 1) },
        }),
        30_000,
        'graphile-worker run() over pglite-socket',
      );
      out.started = true;
      const t0 = now();
      for (let i = 0; i < 20; i++) {
        await pool.query(
          `SELECT graphile_worker.add_job('analyze', '{}'::json, queue_name => $1)`,
          [`c${i % 4}`],
        );
      }
      await withTimeout(
        (async () => {
          while (handled < 20) await sleep(20);
        })(),
        20_000,
        '20 jobs handled',
      );
      out.handled = handled;
      out.seconds = Math.round(now() - t0) / 1000;
    } catch (error) {
      out.error = error.message;
      out.handled = handled;
    }
    await Promise.race([runner?.stop(), sleep(3000)]).catch(() => undefined);
    await Promise.race([pool.end(), sleep(1000)]).catch(() => undefined);
    await server.stop().catch(() => undefined);
    await Promise.race([db.close(), sleep(1000)]).catch(() => undefined);
    return out;
  },

  // pg-boss 12 with its own PGlite adapter and backend profile.
  async pgBoss() {
    const { PgBoss, fromPglite } = await import('pg-boss');
    const db = await PGlite.create();
    const out = {};
    const boss = new PgBoss({
      db: fromPglite(db),
      backend: 'pglite',
      schedule: false,
      useListenNotify: true,
      superviseIntervalSeconds: 5,
      monitorIntervalSeconds: 5,
      queueCacheIntervalSeconds: 1,
    });
    boss.on('error', (error) => (out.lastError = error.message));
    boss.on('warning', (warning) => (out.lastWarning = warning.message?.slice(0, 200)));
    try {
      const t0 = now();
      await withTimeout(boss.start(), 60_000, 'pg-boss start() (schema install)');
      out.startSeconds = Math.round(now() - t0) / 1000;
      await boss.createQueue('analyze', {
        policy: 'key_strict_fifo',
        notify: true,
        heartbeatSeconds: 10,
        retryLimit: 3,
      });
      await db.exec('CREATE TABLE items (conv text, seq int, PRIMARY KEY (conv, seq))');
      // Enqueue inside our own transaction; a rolled-back one must leave no job.
      await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO items VALUES ('rb', 1)`);
        await boss.send(
          'analyze',
          { conv: 'rb', seq: 1 },
          { singletonKey: 'rb', db: fromPglite(tx) },
        );
        await tx.rollback();
      });
      out.rolledBackJobs = (await db.query(`SELECT count(*)::int AS n FROM pgboss.job`)).rows[0].n;
      const starts = new Map();
      const order = [];
      await boss.work(
        'analyze',
        { localConcurrency: 4, pollingIntervalSeconds: 0.5, burstWhenReadyExceeds: 1 },
        async ([job]) => {
          starts.set(`${job.data.conv}:${job.data.seq}`, now());
          order.push(job.data);
        },
      );
      const committed = new Map();
      const t1 = now();
      for (let i = 0; i < JOBS; i++) {
        const conv = `c${i % 20}`;
        const seq = Math.floor(i / 20) + 1;
        await db.transaction(async (tx) => {
          await tx.query('INSERT INTO items VALUES ($1, $2)', [conv, seq]);
          await boss.send('analyze', { conv, seq }, { singletonKey: conv, db: fromPglite(tx) });
        });
        committed.set(`${conv}:${seq}`, now());
      }
      await withTimeout(
        (async () => {
          while (starts.size < JOBS) await sleep(20);
        })(),
        45_000,
        `${JOBS} jobs handled`,
      );
      const seconds = (now() - t1) / 1000;
      out.jobs = JOBS;
      out.jobsPerSecond = Math.round(JOBS / seconds);
      const latencies = [...committed].map(([k, t]) => starts.get(k) - t).sort((a, b) => a - b);
      out.commitToStartP50Ms = Math.round(latencies[Math.floor(latencies.length / 2)]);
      out.commitToStartP95Ms = Math.round(latencies[Math.floor(latencies.length * 0.95)]);
      const lastSeq = new Map();
      out.orderViolations = 0;
      for (const { conv, seq } of order) {
        if ((lastSeq.get(conv) ?? 0) > seq) out.orderViolations += 1;
        lastSeq.set(conv, seq);
      }
    } catch (error) {
      out.error = error.message;
    }
    await Promise.race([boss.stop({ graceful: false, timeout: 2000 }), sleep(5000)]).catch(
      () => undefined,
    );
    await db.close().catch(() => undefined);
    return out;
  },

  // The home-grown table queue (same SQL as engines/table-queue.mjs) on PGlite, in process.
  async tableQueue() {
    const { claimSql } = await import('./engines/table-queue.mjs');
    const db = await PGlite.create();
    await db.exec(`
      CREATE TABLE qbench_work (
        id bigserial PRIMARY KEY, kind text NOT NULL, queue_key text NOT NULL, seq integer NOT NULL,
        dedup_key text NOT NULL, payload jsonb NOT NULL, run_after timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0, lease_owner text, lease_expires_at timestamptz,
        done_at timestamptz, UNIQUE (kind, dedup_key));
      CREATE INDEX qbench_work_ready ON qbench_work (run_after, id) WHERE done_at IS NULL;
      CREATE INDEX qbench_work_open_key ON qbench_work (queue_key, seq, id) WHERE done_at IS NULL;
      CREATE TABLE items (conv text, seq int, PRIMARY KEY (conv, seq));`);
    const starts = new Map();
    const committed = new Map();
    let stopped = false;
    const sleepers = [];
    const wake = () => sleepers.shift()?.();
    // One process, one connection: the enqueuer wakes the workers itself after commit.
    const workers = Array.from({ length: 4 }, async (_, w) => {
      while (!stopped) {
        const { rows } = await db.query(claimSql, [`w${w}`, 10]);
        const job = rows[0];
        if (!job) {
          await Promise.race([new Promise((r) => sleepers.push(r)), sleep(500)]);
          continue;
        }
        starts.set(`${job.payload.conv}:${job.payload.seq}`, now());
        await db.query(
          `UPDATE qbench_work SET done_at = now() WHERE id = $1 AND lease_owner = $2 AND attempts = $3`,
          [job.id, `w${w}`, job.attempts],
        );
      }
    });
    const t1 = now();
    for (let i = 0; i < JOBS; i++) {
      const conv = `c${i % 20}`;
      const seq = Math.floor(i / 20) + 1;
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO items VALUES ($1, $2)', [conv, seq]);
        await tx.query(
          `INSERT INTO qbench_work (kind, queue_key, seq, dedup_key, payload) VALUES ('analyze', $1, $2, $3, $4)
           ON CONFLICT (kind, dedup_key) DO NOTHING`,
          [conv, seq, `${conv}:${seq}`, JSON.stringify({ conv, seq })],
        );
      });
      committed.set(`${conv}:${seq}`, now());
      wake();
    }
    await withTimeout(
      (async () => {
        while (starts.size < JOBS) await sleep(10);
      })(),
      45_000,
      `${JOBS} jobs handled`,
    );
    const seconds = (now() - t1) / 1000;
    stopped = true;
    while (sleepers.length) wake();
    await Promise.all(workers);
    const latencies = [...committed].map(([k, t]) => starts.get(k) - t).sort((a, b) => a - b);
    await db.close();
    return {
      jobs: JOBS,
      jobsPerSecond: Math.round(JOBS / seconds),
      commitToStartP50Ms: Math.round(latencies[Math.floor(latencies.length / 2)] * 10) / 10,
      commitToStartP95Ms: Math.round(latencies[Math.floor(latencies.length * 0.95)] * 10) / 10,
    };
  },

  // kill -9 of a process writing to a PGlite data folder: is every commit it reported still there
  // after reopening? (A process crash, not a power cut: the OS page cache survives a kill.)
  async killNine() {
    const runs = [];
    for (let round = 0; round < 2; round++) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'qbench-pglite-'));
      const child = fork(process.argv[1], ['--child-writer', dir], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      let acknowledged = 0;
      await new Promise((resolve) => {
        child.on('message', (m) => {
          if (m.type === 'ready') setTimeout(resolve, 1500 + round * 500);
          if (m.type === 'ack') acknowledged = m.n;
        });
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const t0 = now();
      const db = await PGlite.create(dir);
      const reopenMs = Math.round(now() - t0);
      const { rows } = await db.query('SELECT count(*)::int AS n FROM acked');
      await db.close();
      rmSync(dir, { recursive: true, force: true });
      runs.push({
        acknowledged,
        found: rows[0].n,
        lost: Math.max(0, acknowledged - rows[0].n),
        reopenMs,
      });
    }
    return { runs };
  },
};

function quietGraphileLogger({ Logger }) {
  return new Logger(() => () => undefined);
}

async function childWriter(dir) {
  // Never outlive the probe (a probe that timed out would leave this writing forever).
  process.on('disconnect', () => process.exit(1));
  const db = await PGlite.create(dir);
  await db.exec('CREATE TABLE acked (n int PRIMARY KEY)');
  process.send({ type: 'ready' });
  for (let n = 1; ; n++) {
    await db.query('INSERT INTO acked VALUES ($1)', [n]);
    process.send({ type: 'ack', n });
  }
}

if (args[0] === '--child-writer') {
  await childWriter(args[1]);
} else {
  const results = {};
  for (const [name, probe] of Object.entries(probes)) {
    if (only && !only.includes(name)) continue;
    const t0 = now();
    try {
      results[name] = await withTimeout(probe(), 240_000, name);
    } catch (error) {
      results[name] = { error: error.message };
    }
    results[name].probeSeconds = Math.round(now() - t0) / 1000;
    console.error(name, JSON.stringify(results[name]));
  }
  console.log(JSON.stringify({ at: new Date().toISOString(), node: process.version, results }));
  process.exit(0);
}
