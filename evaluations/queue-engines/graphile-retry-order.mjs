#!/usr/bin/env node
// Does a named queue of graphile-worker keep its order when a job fails and is retried?
// Enqueues c1:1 (fails on its first attempt) and c1:2 in queue "c1" and prints the run order.
//   node evaluations/queue-engines/graphile-retry-order.mjs postgres://…/postgres
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Logger, run, runMigrations } from 'graphile-worker';

const admin = new pg.Client({ connectionString: process.argv[2] });
await admin.connect();
const name = `qbench_gw_retry_${Date.now().toString(36)}`;
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(process.argv[2]);
url.pathname = `/${name}`;
const logger = new Logger(() => () => undefined);
await runMigrations({ connectionString: url.toString(), logger });
const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
pool.on('error', () => undefined);
pool.on('connect', (client) => client.on('error', () => undefined));
const runs = [];
const runner = await run({
  pgPool: pool,
  concurrency: 2,
  noHandleSignals: true,
  pollInterval: 200,
  logger,
  taskList: {
    analyze: async (payload, helpers) => {
      runs.push(`${payload.key} attempt ${helpers.job.attempts}`);
      if (payload.key === 'c1:1' && helpers.job.attempts === 1) throw new Error('transient');
    },
  },
});
for (const key of ['c1:1', 'c1:2']) {
  await pool.query(`SELECT graphile_worker.add_job('analyze', $1::json, queue_name => 'c1')`, [
    JSON.stringify({ key }),
  ]);
}
for (let i = 0; i < 100 && runs.length < 3; i++) await sleep(100);
console.log(JSON.stringify({ runOrder: runs }));
await runner.stop();
await pool.end();
await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
await admin.end();
