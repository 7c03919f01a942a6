/**
 * `npm run chaos`: the fault script of issue 16. Starts a fleet of real Cuecard processes
 * (`src/main.ts`, the default pipeline) on one Postgres server (3 instances) or on an embedded
 * data folder (1 instance), streams calls through them with consoles following every scope, and
 * kills -9 a random instance again and again — at a random moment, as it sends an ack, or as it
 * acknowledges an `end` — restarting it each time. Then it prints what must all be 0: acknowledged
 * items without analysis, ended conversations without wrap-up, results written twice, and per
 * subscriber scope the events missed or delivered twice. Exit code 1 if any is not 0.
 *
 *   npm run chaos -- --url postgres://…   3 instances on that server (a scratch database on it)
 *   npm run chaos                         embedded PGlite, 1 instance restarted after each kill
 *   --kills 20 --calls 12 --instances 3 --short (CI: 4 kills, 4 calls)
 *   --spread --seconds 60: no kills; every call goes through instance 0, and the report says
 *     which instance did the work (a busy instance's backlog is drained by the others)
 * Use a server with durable settings (fsync on) for figures: evaluations/queue-engines/README.md.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { openCuecardDatabase } from '../app/compose-cuecard.js';
import { createTenantStore } from '../tenancy/tenant-store.js';
import { createScratchDatabase } from '../stores/scratch-database.js';
import { loadCallScripts } from './replay/call-script.js';
import { killInstance, startInstance, stopInstance, type Instance } from './chaos/fleet.js';
import { playCall, sleep, type CallPlan, type Ledger } from './chaos/traffic.js';
import { Follower } from './chaos/subscribers.js';
import { auditFollowers, auditWork, workByInstance } from './chaos/audit.js';

const usage = `Usage: npm run chaos [-- options]

Kills Cuecard processes again and again while calls stream through them, then checks that no
acknowledged work was lost or done twice (exit code 1 if any was).

  --url postgres://...   3 instances on that server (a scratch database on it); default: embedded
                         PGlite, 1 instance restarted after each kill
  --instances N          instances on a server (default 3)
  --kills N              kills (default 20; --short: 4)
  --calls N              concurrent calls (default 12; --short: 4)
  --short                the CI size
  --spread               no kills: every call enters through instance 0; reports who did the work
  --seconds N            how long --spread runs (default 60)
  --keep                 keep the scratch database / data folder
  --results FILE         where a result line is appended (default evaluations/chaos/results.jsonl)
  -h, --help             this text`;

const TENANT = 'chaos';
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.CUECARD_CHAOS_DATABASE_URL },
      instances: { type: 'string' },
      kills: { type: 'string' },
      calls: { type: 'string' },
      short: { type: 'boolean', default: false },
      spread: { type: 'boolean', default: false },
      seconds: { type: 'string', default: '60' },
      keep: { type: 'boolean', default: false },
      results: { type: 'string', default: 'evaluations/chaos/results.jsonl' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const engine = values.url ? 'postgres' : 'pglite';
  const instances = engine === 'pglite' ? 1 : Number(values.instances ?? 3);
  const kills = values.spread ? 0 : Number(values.kills ?? (values.short ? 4 : 20));
  const concurrentCalls = Number(values.calls ?? (values.short ? 4 : 12));
  const started = Date.now();

  // ---- a fresh database with one tenant and its keys -------------------------------------
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  if (values.url) {
    const scratch = await createScratchDatabase(
      values.url,
      `cuecard_chaos_${randomBytes(4).toString('hex')}`,
    );
    env = { DATABASE_URL: scratch.url };
    cleanup = values.keep ? async () => undefined : scratch.drop;
  } else {
    const root = await mkdtemp(path.join(tmpdir(), 'cuecard-chaos-'));
    env = { CUECARD_DATA_DIR: path.join(root, 'data') };
    cleanup = values.keep
      ? async () => undefined
      : () => rm(root, { recursive: true, force: true });
  }
  const setup = await openCuecardDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.CUECARD_DATA_DIR ?? '',
  });
  const tenants = createTenantStore(setup.db);
  await tenants.createTenant({ id: TENANT, name: 'Chaos' });
  const connectorKey = (
    await tenants.issueKey({ tenantId: TENANT, role: 'connector', name: 'chaos' })
  ).key;
  const supervisorKey = (
    await tenants.issueKey({ tenantId: TENANT, role: 'supervisor', name: 'chaos' })
  ).key;
  await setup.db.close();
  Object.assign(env, { CUECARD_DEV_TENANT: 'false', CUECARD_WORK_LEASE_MS: '3000' });

  // ---- the fleet ---------------------------------------------------------------------------
  const fleet: Instance[] = Array.from({ length: instances }, (_, index) => ({
    index,
    child: null,
    wsUrl: null,
    httpUrl: null,
    starts: 0,
    crashes: [],
    onAck: null,
    onEnded: null,
  }));
  // A stable name per instance: a restarted one releases its own leases at once.
  const envOf = (instance: Instance) => ({
    ...env,
    CUECARD_INSTANCE_ID: `chaos-${instance.index}`,
  });
  for (const instance of fleet) await startInstance(instance, envOf(instance));
  log(`${instances} instance(s) up on ${engine} in ${Math.round((Date.now() - started) / 1000)} s`);

  // ---- consoles following every scope ------------------------------------------------------
  const followers = [
    new Follower({ scope: 'tenant' }, fleet, supervisorKey),
    new Follower({ scope: 'agent', agentId: 'agent-1' }, fleet, supervisorKey),
  ];

  // ---- calls, kept going until the killer is done -------------------------------------------
  const scripts = (await loadCallScripts(path.resolve('knowledge/demo-calls'))).map((script) =>
    script.turns.flatMap((turn) =>
      'speaker' in turn && turn.speaker !== 'bot'
        ? [{ speaker: turn.speaker, text: turn.text }]
        : [],
    ),
  );
  const ledger: Ledger = { acked: new Set(), ended: new Set(), opened: new Set(), reconnects: 0 };
  let killing = true;
  let callNumber = 0;
  const run = randomBytes(2).toString('hex');
  const caller = async () => {
    while (killing) {
      callNumber += 1;
      const plan: CallPlan = {
        externalId: `chaos-${run}-${callNumber}`,
        agentId: `agent-${(callNumber % 3) + 1}`,
        turns: pick(scripts),
      };
      if (callNumber <= 2) {
        // Two conversations also get a console of their own, subscribed once they exist.
        void waitFor(() => ledger.opened.has(plan.externalId)).then(() =>
          followers.push(
            new Follower(
              { scope: 'conversation', conversationId: plan.externalId },
              fleet,
              supervisorKey,
            ),
          ),
        );
      }
      await playCall(
        plan,
        fleet,
        connectorKey,
        ledger,
        [150, 600],
        values.spread ? fleet[0] : undefined,
      );
    }
  };
  const callers = Array.from({ length: concurrentCalls }, async (_, index) => {
    await sleep(index * 150);
    await caller();
  });

  if (values.spread) await sleep(Number(values.seconds) * 1000);

  // ---- the killer ---------------------------------------------------------------------------
  const modes = { random: 0, 'on ack': 0, 'on end': 0 };
  const restarts: Promise<void>[] = [];
  for (let kill = 0; kill < kills; kill++) {
    await sleep(1_500 + Math.random() * 2_500);
    // On a shared server one instance always stays up; embedded has only one.
    const live = fleet.filter((instance) => instance.child);
    if (instances > 1 && live.length < 2) {
      // Wait for the restarts; an instance that is down with none pending is restarted here.
      await Promise.all(restarts);
      for (const down of fleet.filter((instance) => !instance.child)) {
        log(`instance ${down.index} is down: starting it again`);
        await startInstance(down, envOf(down));
      }
      kill -= 1;
      continue;
    }
    const victim = pick(live);
    const mode = pick(['random', 'on ack', 'on end'] as const);
    modes[mode] += 1;
    if (mode !== 'random') {
      await new Promise<void>((resolve) => {
        let fired = false;
        const fire = () => {
          // Once: a late timer must not kill the instance's next incarnation.
          if (fired) return;
          fired = true;
          clearTimeout(fallback);
          victim.onAck = null;
          victim.onEnded = null;
          void killInstance(victim).then(resolve);
        };
        if (mode === 'on ack') victim.onAck = fire;
        else victim.onEnded = fire;
        // No end (or ack) within 8 s on this instance: kill it anyway.
        const fallback = setTimeout(fire, 8_000);
      });
    } else {
      await killInstance(victim);
    }
    log(`kill ${kill + 1}/${kills}: instance ${victim.index} (${mode})`);
    restarts.push(
      sleep(500 + Math.random() * 1_500)
        .then(() => startInstance(victim, envOf(victim)))
        .then(() => log(`instance ${victim.index} restarted`)),
    );
    if (instances === 1) await Promise.all(restarts);
  }
  killing = false;
  await Promise.all(restarts);
  await Promise.all(callers);
  log(
    `calls done: ${callNumber} calls, ${ledger.acked.size} items acknowledged, ${ledger.ended.size} ended`,
  );

  // ---- let the fleet finish, then audit -------------------------------------------------------
  const drainStarted = Date.now();
  await waitFor(async () => (await pendingWork(fleet)) === 0, 300_000);
  const drainSeconds = (Date.now() - drainStarted) / 1000;
  await waitForQuiet(followers);
  for (const follower of followers) await follower.stop();
  const stopMs: number[] = [];
  let findings;
  let scopes;
  let workDoneBy: Record<string, Record<string, number>> = {};
  if (engine === 'postgres') {
    const { db } = await openCuecardDatabase({ databaseUrl: env.DATABASE_URL, dataDir: '' });
    findings = await auditWork(db, TENANT, ledger);
    scopes = await auditFollowers(db, TENANT, followers);
    workDoneBy = await workByInstance(db, TENANT);
    await db.close();
    for (const instance of fleet) stopMs.push(await stopInstance(instance));
  } else {
    for (const instance of fleet) stopMs.push(await stopInstance(instance));
    const { db } = await openCuecardDatabase({
      databaseUrl: undefined,
      dataDir: env.CUECARD_DATA_DIR!,
    });
    findings = await auditWork(db, TENANT, ledger);
    scopes = await auditFollowers(db, TENANT, followers);
    await db.close();
  }
  await cleanup();

  const report = {
    at: new Date().toISOString(),
    engine,
    mode: values.spread ? 'spread' : 'kills',
    instances,
    kills,
    killModes: modes,
    calls: callNumber,
    itemsAcked: ledger.acked.size,
    conversationsEnded: ledger.ended.size,
    connectorReconnects: ledger.reconnects,
    drainSeconds,
    stopMs,
    crashes: fleet.reduce((sum, instance) => sum + instance.crashes.length, 0),
    seconds: Math.round((Date.now() - started) / 1000),
    ...findings,
    subscribers: scopes,
    workDoneBy,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  await appendFile(values.results, `${JSON.stringify(report)}\n`).catch(() => undefined);
  const bad =
    fleet.some((instance) => instance.crashes.length > 0) ||
    Object.entries(findings).some(([, value]) => value !== 0) ||
    scopes.some((scope) => scope.missing > 0 || scope.duplicates > 0);
  log(
    bad
      ? 'FAILED: something acknowledged was lost or doubled'
      : 'OK: nothing lost, nothing doubled',
  );
  process.exit(bad ? 1 : 0);
}

function log(line: string): void {
  process.stderr.write(`[chaos] ${line}\n`);
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(250);
  }
}

/** Work not finished yet, as an instance's readiness answer says (any live instance). */
async function pendingWork(fleet: readonly Instance[]): Promise<number> {
  for (const instance of fleet) {
    if (!instance.httpUrl) continue;
    try {
      const body = (await (await fetch(`${instance.httpUrl}/readyz`)).json()) as {
        pendingWork?: number;
      };
      if (typeof body.pendingWork === 'number') return body.pendingWork;
    } catch {
      // Try the next one.
    }
  }
  return Number.POSITIVE_INFINITY;
}

/** Until no follower has received anything for 2 s (they are caught up). */
async function waitForQuiet(followers: readonly Follower[]): Promise<void> {
  let last = -1;
  for (;;) {
    const total = followers.reduce((sum, follower) => sum + follower.received.length, 0);
    if (total === last) return;
    last = total;
    await sleep(2_000);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(2);
});
