#!/usr/bin/env node
// Queue-engine benchmark for decision 0008 (durable work). See README.md beside this file.
//
//   node evaluations/queue-engines/bench.mjs --engine table-queue|graphile-worker|pg-boss|nats-jetstream \
//     --url postgres://postgres@127.0.0.1:56532/postgres [--workers 3] [--concurrency 4] \
//     [--jobs 3000] [--conversations 150] [--producers 8] [--rate 50] [--latency-seconds 10] \
//     [--phases throughput,latency,takeover] [--lease-seconds 10] [--out results.jsonl]
//
// Every engine gets a fresh database on the server named by --url. The parent process is the
// producer (a connector's ingest): each job is one transaction that INSERTs a row of our own and
// enqueues the job (for NATS: commits, then publishes). --workers child processes consume with
// --concurrency handler slots each; a handler only records when it ran. Each phase is bounded.
import { setInterval, setTimeout } from 'node:timers';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import os from 'node:os';
import { setImmediate as yieldOnce } from 'node:timers/promises';
import pg from 'pg';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function parseArgs(argv) {
  const args = {
    engine: 'table-queue',
    url: process.env.QBENCH_DATABASE_URL,
    workers: 3,
    concurrency: 4,
    jobs: 3000,
    conversations: 150,
    producers: 8,
    rate: 50,
    latencySeconds: 10,
    leaseSeconds: 10,
    phases: 'throughput,latency',
    phaseLimitSeconds: 60,
    out: undefined,
    keep: 'no',
    role: 'parent',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!key || !(key in args)) throw new Error(`unknown option ${argv[i]}`);
    const value = argv[i + 1];
    args[key] = typeof args[key] === 'number' ? Number(value) : value;
  }
  return args;
}

async function loadEngine(name) {
  const module = await import(`./engines/${name}.mjs`);
  return module.default;
}

function libraryVersion(engine) {
  const pkg = {
    'graphile-worker': 'graphile-worker',
    'pg-boss': 'pg-boss',
    'nats-jetstream': 'nats',
  }[engine];
  if (!pkg) return null;
  const file = new URL(`../../node_modules/${pkg}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)] * 100) / 100;
}

// ------------------------------------------------------------------ worker process ----------
async function workerMain() {
  const ctx = JSON.parse(process.env.QBENCH_CTX);
  const engine = await loadEngine(ctx.engine);
  let buffer = [];
  let hangAllowed = true;
  let paused = null;
  let resume = null;
  // The parent is gone (killed, timed out): never linger as an orphan holding connections.
  process.on('disconnect', () => process.exit(1));
  process.on('message', (message) => {
    if (message.type === 'nohang') hangAllowed = false;
    if (message.type === 'pause') paused = new Promise((resolve) => (resume = resolve));
    if (message.type === 'resume') resume?.();
    if (message.type === 'stop') {
      void (async () => {
        flush();
        await worker.stop().catch(() => undefined);
        process.exit(0);
      })();
    }
  });
  const flush = () => {
    if (buffer.length === 0) return;
    process.send({ type: 'records', records: buffer });
    buffer = [];
  };
  setInterval(flush, 50).unref();
  const worker = await engine.startWorker({
    ...ctx,
    workerId: `w${process.pid}`,
    async handle(job, attempt) {
      const start = now();
      if (job.hang && hangAllowed) {
        process.send({ type: 'hung', key: job.key, at: start });
        await new Promise(() => undefined); // killed with SIGKILL while "working"
      }
      if (paused) await paused;
      if (job.workMs) await sleep(job.workMs);
      else await yieldOnce();
      buffer.push([job.key, job.conv, job.seq, start, now(), attempt, process.pid]);
    },
  });
  process.send({ type: 'ready' });
}

// ------------------------------------------------------------------ parent ------------------
async function parentMain(args) {
  if (!args.url) throw new Error('--url postgres://… (or QBENCH_DATABASE_URL) is required');
  const engine = await loadEngine(args.engine);
  const dbName = `qbench_${args.engine.replace(/-/g, '_')}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: args.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const settings = await admin.query(
    `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes') ORDER BY name`,
  );
  const url = new URL(args.url);
  url.pathname = `/${dbName}`;
  const ctx = { engine: args.engine, url: url.toString(), leaseSeconds: args.leaseSeconds };

  const pool = new pg.Pool({ connectionString: ctx.url, max: args.producers });
  pool.on('error', () => undefined);
  await pool.query(
    'CREATE TABLE bench_items (conv text NOT NULL, seq int NOT NULL, PRIMARY KEY (conv, seq))',
  );
  Object.assign(ctx, (await engine.prepare(ctx)) ?? {});

  // key -> { conv, seq, committedAt, starts: [], ends: [] }
  const jobs = new Map();
  let waiters = [];
  const hung = [];
  const onRecords = (records) => {
    for (const [key, , , start, end] of records) {
      const job = jobs.get(key);
      if (!job) continue;
      job.starts.push(start);
      job.ends.push(end);
    }
    for (const w of waiters) w();
  };

  const children = [];
  const spawnWorker = () => {
    const child = fork(process.argv[1], ['--role', 'worker'], {
      env: {
        ...process.env,
        QBENCH_CTX: JSON.stringify({ ...ctx, concurrency: args.concurrency }),
      },
    });
    const ready = new Promise((resolve, reject) => {
      child.on('message', (message) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'records') onRecords(message.records);
        else if (message.type === 'hung') {
          hung.push({ child, ...message });
          for (const w of waiters) w();
        }
      });
      child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    });
    children.push(child);
    return ready;
  };
  await Promise.all(Array.from({ length: args.workers }, spawnWorker));

  const producer = await engine.openProducer(ctx);
  async function enqueue(job) {
    jobs.get(job.key).beganAt = now();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO bench_items (conv, seq) VALUES ($1, $2)', [
        job.conv,
        job.seq,
      ]);
      await producer.enqueue(client, job);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    await producer.afterCommit?.(job);
    jobs.get(job.key).committedAt = now();
  }
  const register = (conv, seq, extra = {}) => {
    const job = { key: `${conv}:${seq}`, conv, seq, ...extra };
    jobs.set(job.key, { conv, seq, committedAt: null, starts: [], ends: [] });
    return job;
  };
  const waitUntil = async (predicate, deadline) => {
    while (!predicate() && now() < deadline) {
      await new Promise((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
      waiters = [];
    }
    return predicate();
  };
  const handled = (keys) => keys.filter((k) => jobs.get(k).starts.length > 0).length;
  const summarize = (keys) => {
    let duplicates = 0;
    let orderingViolations = 0;
    const byConv = new Map();
    for (const key of keys) {
      const job = jobs.get(key);
      if (job.starts.length > 1) duplicates += job.starts.length - 1;
      if (!byConv.has(job.conv)) byConv.set(job.conv, []);
      byConv.get(job.conv).push(job);
    }
    for (const list of byConv.values()) {
      list.sort((a, b) => a.seq - b.seq);
      for (let i = 1; i < list.length; i++) {
        const previous = list[i - 1];
        const current = list[i];
        if (!previous.ends.length || !current.starts.length) continue;
        // The next item of a conversation must not start before the previous one ended.
        if (Math.min(...current.starts) < Math.min(...previous.ends)) orderingViolations += 1;
      }
    }
    return { duplicates, orderingViolations, missing: keys.length - handled(keys) };
  };

  const result = {
    engine: args.engine,
    library: libraryVersion(args.engine),
    node: process.version,
    server: Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])),
    workers: args.workers,
    concurrency: args.concurrency,
    producers: args.producers,
    at: new Date().toISOString(),
    loadBefore: os.loadavg().map((l) => Math.round(l * 10) / 10),
  };
  const phases = new Set(args.phases.split(','));
  const limitMs = args.phaseLimitSeconds * 1000;

  if (phases.has('throughput')) {
    // Producers act like connectors: each owns some conversations and appends their items in
    // order, one transaction per item, interleaving its conversations.
    const perConv = Math.ceil(args.jobs / args.conversations);
    const keys = [];
    const plan = Array.from({ length: args.producers }, () => []);
    for (let seq = 1; seq <= perConv; seq++) {
      for (let c = 0; c < args.conversations; c++) {
        if (keys.length >= args.jobs) break;
        const job = register(`t${c}`, seq);
        keys.push(job.key);
        plan[c % args.producers].push(job);
      }
    }
    const started = now();
    const deadline = started + limitMs;
    let enqueueEnded = 0;
    const producing = Promise.all(
      plan.map(async (list) => {
        for (const job of list) {
          if (now() > deadline) return;
          await enqueue(job);
        }
      }),
    ).then(() => (enqueueEnded = now()));
    await producing;
    const complete = await waitUntil(() => handled(keys) === keys.length, deadline);
    const lastEnd = Math.max(...keys.flatMap((k) => jobs.get(k).ends), started);
    const seconds = (lastEnd - started) / 1000;
    result.throughput = {
      jobs: keys.length,
      handled: handled(keys),
      complete,
      seconds: Math.round(seconds * 100) / 100,
      enqueueSeconds: Math.round(((enqueueEnded || now()) - started) / 10) / 100,
      jobsPerSecond: Math.round(handled(keys) / seconds),
      ...summarize(keys),
    };
    console.error(`[${args.engine}] throughput`, JSON.stringify(result.throughput));
  }

  if (phases.has('latency')) {
    // A steady trickle, as live calls produce: --rate items per second over 50 conversations.
    await sleep(1000);
    const total = Math.round(args.rate * args.latencySeconds);
    const keys = [];
    const seqs = new Map();
    const started = now();
    const pending = [];
    for (let i = 0; i < total; i++) {
      const at = started + (i * 1000) / args.rate;
      const wait = at - now();
      if (wait > 0) await sleep(wait);
      const conv = `l${i % 50}`;
      const seq = (seqs.get(conv) ?? 0) + 1;
      seqs.set(conv, seq);
      const job = register(conv, seq);
      keys.push(job.key);
      pending.push(enqueue(job));
      if (pending.length >= args.producers) await Promise.race(pending.splice(0, 1));
    }
    await Promise.all(pending);
    await waitUntil(() => handled(keys) === keys.length, now() + limitMs);
    const measured = keys.map((k) => jobs.get(k)).filter((j) => j.starts.length && j.committedAt);
    // From the enqueue's commit (NATS: its PubAck) to the handler's start; a handler may start
    // before the producer has read the commit's answer, which counts as 0.
    const fromCommit = measured
      .map((j) => Math.max(0, Math.min(...j.starts) - j.committedAt))
      .sort((a, b) => a - b);
    // From BEGIN of the accepting transaction to the handler's start: what an item waits.
    const fromAccept = measured.map((j) => Math.min(...j.starts) - j.beganAt).sort((a, b) => a - b);
    result.latency = {
      jobs: keys.length,
      ratePerSecond: args.rate,
      p50Ms: percentile(fromCommit, 50),
      p95Ms: percentile(fromCommit, 95),
      p99Ms: percentile(fromCommit, 99),
      maxMs: percentile(fromCommit, 100),
      acceptP50Ms: percentile(fromAccept, 50),
      acceptP95Ms: percentile(fromAccept, 95),
      ...summarize(keys),
    };
    console.error(`[${args.engine}] latency`, JSON.stringify(result.latency));
  }

  if (phases.has('ordering')) {
    // A backlog: workers hold what they claim while 20 conversations x 20 items are enqueued,
    // then all run (2 ms each). An engine without per-key ordering runs items of one
    // conversation side by side or out of order.
    for (const child of children) child.send({ type: 'pause' });
    await sleep(200);
    const keys = [];
    const plan = Array.from({ length: args.producers }, () => []);
    for (let seq = 1; seq <= 20; seq++) {
      for (let c = 0; c < 20; c++) {
        const job = register(`o${c}`, seq, { workMs: 2 });
        keys.push(job.key);
        plan[c % args.producers].push(job);
      }
    }
    await Promise.all(
      plan.map(async (list) => {
        for (const job of list) await enqueue(job);
      }),
    );
    const resumedAt = now();
    for (const child of children) child.send({ type: 'resume' });
    const complete = await waitUntil(() => handled(keys) === keys.length, now() + limitMs);
    const lastEnd = Math.max(...keys.flatMap((k) => jobs.get(k).ends), resumedAt);
    result.ordering = {
      jobs: keys.length,
      complete,
      // A backlog drained by the workers alone (no producer competing): 20 keys of 20 items.
      drainJobsPerSecond: Math.round(handled(keys) / ((lastEnd - resumedAt) / 1000)),
      ...summarize(keys),
    };
    console.error(`[${args.engine}] ordering`, JSON.stringify(result.ordering));
  }

  if (phases.has('takeover')) {
    // One job; the worker that starts it hangs and is killed with SIGKILL; how long until
    // another worker starts the same job?
    const job = register('k0', 1, { hang: true });
    await enqueue(job);
    const gotHung = await waitUntil(() => hung.length > 0, now() + 10_000);
    if (!gotHung) throw new Error('no worker started the takeover job');
    const victim = hung[0];
    victim.child.removeAllListeners('exit');
    victim.child.kill('SIGKILL');
    const killedAt = now();
    for (const child of children) if (child !== victim.child) child.send({ type: 'nohang' });
    const taken = await waitUntil(() => jobs.get(job.key).starts.length > 0, killedAt + limitMs);
    result.takeover = {
      leaseSeconds: args.leaseSeconds,
      takenOver: taken,
      secondsAfterKill: taken
        ? Math.round((jobs.get(job.key).starts[0] - killedAt) / 100) / 10
        : `> ${args.phaseLimitSeconds}`,
    };
    console.error(`[${args.engine}] takeover`, JSON.stringify(result.takeover));
  }

  for (const child of children) {
    if (child.exitCode !== null || child.signalCode) continue;
    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ type: 'stop' });
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  result.loadAfter = os.loadavg().map((l) => Math.round(l * 10) / 10);
  await producer.close();
  await pool.end();
  await engine.cleanup?.();
  if (args.keep === 'yes') console.error(`kept database ${dbName}`);
  else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  console.log(JSON.stringify(result));
  if (args.out) await appendFile(args.out, `${JSON.stringify(result)}\n`);
}

const args = parseArgs(process.argv.slice(2));
if (args.role === 'worker') {
  workerMain().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  parentMain(args).then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
