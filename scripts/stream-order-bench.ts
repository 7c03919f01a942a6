/**
 * `npx tsx scripts/stream-order-bench.ts <postgres-url> [seconds=20] [holdMs=0]`: gaps, repeats
 * and out-of-order deliveries per subscriber scope, with three writers on one Postgres server.
 * With `holdMs`, an unrelated transaction halfway through keeps its transaction id that long:
 * publication waits behind it (the tails log how long), which shows in the latency maximum.
 *
 * Three event logs (three "instances", each with its own pool, tail and notification relay)
 * write to a throw-away database for `seconds`: through `append` (group commit) and, one write
 * in four, inside a transaction held open 0–30 ms after its insert, so rows commit out of id
 * order. On every instance a tenant, an agent and a conversation subscriber drop at random
 * moments and resume from the last position they received. At the end each subscriber's
 * stream is compared with the stored events of its scope in position order.
 */
import { randomUUID } from 'node:crypto';
import { createEventLog, type EventFilter, type EventLog } from '../src/conversations/event-log.js';
import type { CuecardEvent, EventBody } from '../src/conversations/events.js';
import { START_POSITION } from '../src/conversations/event-position.js';
import { createScratchDatabase } from '../src/stores/scratch-database.js';
import { openDatabase } from '../src/stores/open-database.js';
import { openNotifications } from '../src/stores/notifications.js';
import { migrate } from '../src/stores/migrate.js';
import type { Database } from '../src/stores/database.js';

const serverUrl = process.argv[2];
const seconds = Number(process.argv[3] ?? 20);
const holdMs = Number(process.argv[4] ?? 0);
if (!serverUrl) {
  process.stderr.write('usage: npx tsx scripts/stream-order-bench.ts <postgres-url> [seconds]\n');
  process.exit(2);
}

const CONVERSATIONS = 12;
const agentOf = (index: number) => `agent-${index % 4}`;
const body = (writer: number, n: number): EventBody => ({
  type: 'error',
  code: 'bench',
  message: `w${writer}-${n}`,
  retryable: false,
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Instance {
  db: Database;
  log: EventLog;
  close(): Promise<void>;
}

async function startInstance(url: string, name: string): Promise<Instance> {
  const named = new URL(url);
  named.searchParams.set('application_name', name);
  const db = await openDatabase({ databaseUrl: named.toString() });
  const log = createEventLog(db, {
    logger: { warn: (details, message) => console.warn(name, message, details) },
  });
  const notifications = await openNotifications(named.toString());
  await log.startRelay({ origin: name, notifications });
  return {
    db,
    log,
    async close() {
      log.close();
      await notifications.close();
      await db.close();
    },
  };
}

/** A subscriber that drops now and then and resumes from the last position it received. */
function follow(log: EventLog, filter: EventFilter, latencies: number[]) {
  const received: CuecardEvent[] = [];
  let unsubscribe: (() => void) | null = null;
  const connect = async () => {
    const cursor = received.at(-1)?.position ?? 0;
    let live = false;
    ({ unsubscribe } = await log.subscribe(filter, cursor, (event) => {
      if (event.id === null) return;
      received.push(event);
      // Write start (the row's created_at) to delivery, for events that arrived live.
      if (live) latencies.push(Date.now() - Date.parse(event.at));
    }));
    live = true;
  };
  return {
    filter,
    received,
    connect,
    async reconnect() {
      unsubscribe?.();
      await sleep(Math.random() * 50);
      await connect();
    },
    stop: () => unsubscribe?.(),
  };
}

async function writeFor(instance: Instance, writer: number, until: number): Promise<number> {
  let n = 0;
  const pending: Promise<unknown>[] = [];
  while (Date.now() < until) {
    const index = Math.floor(Math.random() * CONVERSATIONS);
    const scope = { tenantId: 'bench', conversationId: `c${index}`, agentId: agentOf(index) };
    if (Math.random() < 0.25) {
      const label = n++;
      // A slower transaction: its id is taken now, its commit comes later.
      await instance.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO events (tenant_id, conversation_id, agent_id, type, payload)
           VALUES ($1, $2, $3, 'error', $4::jsonb)`,
          [
            scope.tenantId,
            scope.conversationId,
            scope.agentId,
            JSON.stringify(body(writer, label)),
          ],
        );
        await sleep(Math.random() * 30);
      });
      void instance.log.publishCommitted();
    } else {
      const bodies = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () =>
        body(writer, n++),
      );
      pending.push(instance.log.append(scope, bodies));
      if (pending.length >= 8) await Promise.all(pending.splice(0));
    }
  }
  await Promise.all(pending);
  return n;
}

function measure(stream: CuecardEvent[], stored: CuecardEvent[]) {
  const expected = new Set(stored.map((event) => event.id));
  const seen = new Set<number>();
  let repeats = 0;
  let outOfOrder = 0;
  let idBackwards = 0;
  let lastPosition = '';
  let maxId = 0;
  for (const event of stream) {
    if (seen.has(event.id!)) repeats++;
    seen.add(event.id!);
    if (event.position! <= lastPosition) outOfOrder++;
    lastPosition = event.position!;
    if (event.id! < maxId) idBackwards++;
    maxId = Math.max(maxId, event.id!);
  }
  const gaps = [...expected].filter((id) => !seen.has(id!)).length;
  const strangers = [...seen].filter((id) => !expected.has(id)).length;
  return {
    stored: stored.length,
    received: stream.length,
    gaps,
    repeats,
    outOfOrder,
    strangers,
    idBackwards,
  };
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(
    serverUrl!,
    `cuecard_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
  );
  const setup = await openDatabase({ databaseUrl: scratch.url });
  await migrate(setup);
  await setup.query("INSERT INTO tenants (id, name) VALUES ('bench', 'Bench')");
  for (let index = 0; index < CONVERSATIONS; index++) {
    await setup.query(
      `INSERT INTO conversations (id, tenant_id, external_id, channel, agent_id)
       VALUES ($1, 'bench', $1, 'voice', $2)`,
      [`c${index}`, agentOf(index)],
    );
  }
  await setup.close();
  const instances = await Promise.all(
    [0, 1, 2].map((index) => startInstance(scratch.url, `bench-${index}`)),
  );
  const scopes: Record<string, EventFilter> = {
    tenant: { tenantId: 'bench' },
    agent: { tenantId: 'bench', agentId: agentOf(1) },
    conversation: { tenantId: 'bench', conversationId: 'c2' },
  };
  const latencies: number[] = [];
  const subscribers = instances.flatMap((instance, index) =>
    Object.entries(scopes).map(([scope, filter]) => ({
      scope,
      instance: index,
      ...follow(instance.log, filter, latencies),
    })),
  );
  for (const subscriber of subscribers) await subscriber.connect();

  const started = Date.now();
  const until = started + seconds * 1_000;
  let reconnects = 0;
  const churn = (async () => {
    while (Date.now() < until) {
      await sleep(200 + Math.random() * 800);
      const subscriber = subscribers[Math.floor(Math.random() * subscribers.length)]!;
      await subscriber.reconnect();
      reconnects++;
    }
  })();
  const holding =
    holdMs > 0
      ? (async () => {
          await sleep((seconds * 1_000) / 2);
          const other = await openDatabase({ databaseUrl: scratch.url });
          await other.transaction(async (tx) => {
            await tx.query('SELECT pg_current_xact_id()');
            await sleep(holdMs);
          });
          await other.close();
        })()
      : Promise.resolve();
  const written = await Promise.all(
    instances.map((instance, index) => writeFor(instance, index, until)),
  );
  await churn;
  await holding;
  const elapsed = (Date.now() - started) / 1_000;
  // Quiet: let every tail publish what committed last.
  await Promise.all(instances.map((instance) => instance.log.publishCommitted()));
  await sleep(1_500);

  const rows: Array<Record<string, unknown>> = [];
  for (const subscriber of subscribers) {
    subscriber.stop();
    const stored = await instances[0]!.log.after(subscriber.filter, START_POSITION, 1_000_000);
    rows.push({
      scope: subscriber.scope,
      instance: subscriber.instance,
      ...measure(subscriber.received, stored),
    });
  }
  const total = written.reduce((sum, count) => sum + count, 0);
  console.log(
    `${total} events from 3 writers in ${elapsed.toFixed(1)} s (${Math.round(total / elapsed)}/s); ` +
      `${reconnects} subscriber reconnects`,
  );
  console.table(rows);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  console.log(
    `write start → live delivery (ms, ${latencies.length} deliveries): ` +
      `p50 ${at(0.5)} p95 ${at(0.95)} p99 ${at(0.99)} max ${latencies.at(-1)}`,
  );
  for (const [index, instance] of instances.entries()) {
    console.log(`instance ${index} tail:`, instance.log.tailStats());
  }
  await Promise.all(instances.map((instance) => instance.close()));
  await scratch.drop();
  const bad = rows.some((row) => row.gaps !== 0 || row.repeats !== 0 || row.outOfOrder !== 0);
  process.exit(bad ? 1 : 0);
}

await main();
