import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import WebSocket from 'ws';
import { loadConfig } from '../config/config.js';
import { composeCuecard } from '../app/compose-cuecard.js';
import { openInThreadPgliteDatabase } from '../stores/pglite-database.js';
import { createScratchDatabase } from '../stores/scratch-database.js';
import { loadCallScripts } from './replay/call-script.js';
import { replayCall } from './replay/replay-call.js';
import { connectIngest, connectSubscriber } from './replay/ingest-client.js';

/**
 * `npm run bench`: N conversations at once, replayed over the real WebSocket protocol with
 * interim and final transcripts a few seconds apart. Latency = final utterance sent → first
 * pipeline event for it (analysis, suggestion or alert) received by the agent's subscriber.
 * `--url a,b,c` drives running instances (scripts/bench-fleet.sh starts three on one Postgres):
 * each conversation is ingested through one and watched through the next.
 */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (value: number) => Math.round(value * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bare `ws` echo round trip on this machine: the floor under Cuecard's own latency. */
async function bareRoundTripMs(samples = 2000): Promise<number> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
  await new Promise((resolve) => server.once('listening', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once('open', resolve));
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const sent = performance.now();
    await new Promise<void>((resolve) => {
      client.once('message', () => resolve());
      client.send('{"type":"ping"}');
    });
    times.push(performance.now() - sent);
  }
  client.close();
  server.close();
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

const usage = `Usage: npm run bench [-- options]

N conversations at once over the real WebSocket protocol; prints latency from a final utterance
to its first pipeline event, as the agent's subscriber receives it.

  --conversations N      concurrent conversations (default 50)
  --seconds N            how long (default 60)
  --min-gap-ms N         shortest pause between turns (default 2000)
  --max-gap-ms N         longest pause between turns (default 4000)
  --connectors N         shared connector sockets (0: one per conversation, default)
  --url a,b,c            drive running instances instead of an in-process one, with
  --connector-key K --supervisor-key K
  --pglite worker|in-thread   embedded database thread (default worker; see decision 0004)
  -h, --help             this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      conversations: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '60' },
      url: { type: 'string' },
      'connector-key': { type: 'string' },
      'supervisor-key': { type: 'string' },
      'min-gap-ms': { type: 'string', default: '2000' },
      // Connector sockets the conversations share (0: one socket per conversation, as a
      // per-call speech-to-text bridge connects; 1: every conversation on one socket, as a chat
      // platform's connector does).
      connectors: { type: 'string', default: '0' },
      'max-gap-ms': { type: 'string', default: '4000' },
      // Embedded PGlite in its worker thread (the service's default) or on the event loop, as
      // before docs/decisions/0004: for before/after comparisons.
      pglite: { type: 'string', default: 'worker' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const count = Number(values.conversations);
  const sharedSockets = Number(values.connectors);
  const seconds = Number(values.seconds);
  const minGap = Number(values['min-gap-ms']);
  const maxGap = Number(values['max-gap-ms']);
  if (values.pglite !== 'worker' && values.pglite !== 'in-thread')
    throw new Error('--pglite is "worker" (default) or "in-thread".');
  const pgliteInThread = values.pglite === 'in-thread';
  const config = loadConfig();
  const scripts = await loadCallScripts(path.join(config.knowledgeDir, 'demo-calls'));

  // Several instances (comma-separated): conversation i is ingested through instance i mod n and
  // watched through instance i+1 mod n, so every latency crosses instances (issue 16 point 11).
  const urls = (values.url ?? '')
    .split(',')
    .map((url) => url.trim().replace(/^http/, 'ws'))
    .filter(Boolean);
  let wsUrl = urls[0];
  let connectorKey = values['connector-key'];
  let supervisorKey = values['supervisor-key'];
  const runId = Date.now().toString(36);
  let stop = async () => undefined as void;
  let database = 'external';
  if (!wsUrl) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cuecard-bench-'));
    // With DATABASE_URL, a throw-away database on that server (real Postgres + pgvector).
    const scratch = config.databaseUrl
      ? await createScratchDatabase(config.databaseUrl, `cuecard_bench_${runId}`)
      : null;
    process.stderr.write(
      `Starting an in-process Cuecard on a throw-away ${scratch ? 'Postgres' : 'embedded'} database...\n`,
    );
    const inThread =
      !scratch && pgliteInThread
        ? await openInThreadPgliteDatabase(path.join(dataDir, 'data'))
        : undefined;
    const cuecard = await composeCuecard(
      { ...config, dataDir: path.join(dataDir, 'data'), databaseUrl: scratch?.url },
      { logger: false, devTenant: true, ...(inThread ? { db: inThread } : {}) },
    );
    database = inThread ? 'pglite (in-thread)' : cuecard.services.db.engine;
    await cuecard.app.listen({ host: '127.0.0.1', port: 0 });
    wsUrl = `ws://127.0.0.1:${(cuecard.app.server.address() as AddressInfo).port}`;
    connectorKey = cuecard.devKeys!.keys.connector;
    supervisorKey = cuecard.devKeys!.keys.supervisor;
    stop = async () => {
      await cuecard.close();
      await inThread?.close();
      await scratch?.drop();
      await rm(dataDir, { recursive: true, force: true });
    };
  } else if (!connectorKey || !supervisorKey) {
    throw new Error(
      'With --url, give --connector-key and --supervisor-key (printed by npm start).',
    );
  }

  const sentAt = new Map<string, number>(); // `${conversation}#${seq}` → time the final was sent
  const latencies: number[] = [];
  const finalLatencies: number[] = [];
  const received = new Map<string, Set<number>>(); // conversation id → durable event ids seen
  const analyses = new Map<string, number>();
  const suggestionLatencies: number[] = [];
  let customerTurns = 0;
  const internalIds = new Map<string, string>(); // external → internal conversation id
  const externalIds = new Map<string, string>(); // internal → external, looked up per event
  let utterances = 0;

  // Figures taken on a shared machine are only as good as its load: the run reports it.
  const loadAtStart = loadavg()[0]!;
  // How long the service's (and clients') event loop was held up: SQL on this thread shows here.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const deadline = performance.now() + seconds * 1000;
  const startedAt = performance.now();
  const worker = async (index: number) => {
    const agentId = `bench-agent-${index}`;
    const seenFor = new Set<string>();
    const suggestedFor = new Set<string>();
    const ingestUrl = urls.length > 1 ? urls[index % urls.length]! : wsUrl!;
    const watchUrl = urls.length > 1 ? urls[(index + 1) % urls.length]! : wsUrl!;
    const subscriber = await connectSubscriber(
      watchUrl,
      supervisorKey!,
      { scope: 'agent', agentId },
      (event) => {
        const id = event.id as number | null;
        const conversation = String(event.conversationId);
        // Which analyzers answered, and how many customer turns there were (coverage under load).
        if (event.type === 'analysis') {
          const name = String(event.analyzer);
          analyses.set(name, (analyses.get(name) ?? 0) + 1);
        } else if (
          event.type === 'item-final' &&
          (event.item as { speaker?: string }).speaker === 'customer'
        ) {
          customerTurns++;
        }
        if (id !== null) {
          let ids = received.get(conversation);
          if (!ids) received.set(conversation, (ids = new Set()));
          ids.add(id);
        }
        const seq =
          event.type === 'item-final'
            ? (event.item as { seq: number }).seq
            : (event.seq as number | undefined);
        if (seq === undefined || seq === null) return;
        const external = externalIds.get(conversation);
        const key = `${external}#${seq}`;
        const sent = sentAt.get(key);
        if (sent === undefined) return;
        if (event.type === 'item-final') finalLatencies.push(performance.now() - sent);
        else if (['analysis', 'suggestion', 'alert'].includes(event.type) && !seenFor.has(key)) {
          seenFor.add(key);
          latencies.push(performance.now() - sent);
        }
        // What suggestions add: final utterance → its first suggestion (card, next step, reply).
        if (event.type === 'suggestion' && !suggestedFor.has(key)) {
          suggestedFor.add(key);
          suggestionLatencies.push(performance.now() - sent);
        }
      },
    );
    const connector =
      sharedSockets > 0
        ? shared[index % sharedSockets]!
        : await connectIngest(ingestUrl, connectorKey!);
    let rounds = 0;
    // Stagger starts so that not every conversation speaks in the same instant.
    await sleep(Math.random() * maxGap);
    while (performance.now() < deadline) {
      const script = scripts[(index + rounds) % scripts.length]!;
      const conversationId = `bench-${runId}-${index}-${rounds++}`;
      const gap = minGap + Math.random() * (maxGap - minGap);
      const opened = await connector.request({
        type: 'open',
        conversationId,
        channel: script.channel,
        agentId,
      });
      internalIds.set(conversationId, String(opened.id));
      externalIds.set(String(opened.id), conversationId);
      const sent = await replayCall(connector, script, {
        conversationId,
        agentId,
        turnGapMs: gap,
        interims: 2,
        onFinalSent: (seq, at) => sentAt.set(`${conversationId}#${seq}`, at),
      });
      utterances += sent;
    }
    if (sharedSockets === 0) connector.close();
    await sleep(1500);
    subscriber.close();
  };
  const shared = await Promise.all(
    Array.from({ length: sharedSockets }, () => connectIngest(wsUrl!, connectorKey!)),
  );
  await Promise.all(Array.from({ length: count }, (_, index) => worker(index)));
  for (const socket of shared) socket.close();
  const elapsed = (performance.now() - startedAt) / 1000;
  loopDelay.disable();

  // Lost = durable events stored for the bench's conversations that no subscriber received.
  let eventsLost = 0;
  let eventsStored = 0;
  const httpUrl = wsUrl.replace(/^ws/, 'http');
  // Each read is also timed: one conversation's view (its transcript and events) must stay cheap
  // however large the tables grew during the run (issue 16 point 5).
  const viewMs: number[] = [];
  for (const [external, internal] of internalIds) {
    const asked = performance.now();
    const response = await fetch(`${httpUrl}/api/conversations/${internal}`, {
      headers: { authorization: `Bearer ${supervisorKey}` },
    });
    const body = (await response.json()) as { events: { id: number }[] };
    viewMs.push(performance.now() - asked);
    const seen = received.get(internal) ?? new Set();
    eventsStored += body.events.length;
    eventsLost += body.events.filter((event) => !seen.has(event.id)).length;
    void external;
  }
  const bare = await bareRoundTripMs();
  await stop();
  latencies.sort((a, b) => a - b);
  finalLatencies.sort((a, b) => a - b);
  const p50 = percentile(latencies, 50);
  const result = {
    database,
    instances: Math.max(1, urls.length),
    conversations: internalIds.size,
    concurrent: count,
    seconds: round(elapsed),
    utterances,
    utterances_per_s: round(utterances / elapsed),
    p50_ms: round(p50),
    p95_ms: round(percentile(latencies, 95)),
    p99_ms: round(percentile(latencies, 99)),
    item_final_p50_ms: round(percentile(finalLatencies, 50)),
    item_final_p95_ms: round(percentile(finalLatencies, 95)),
    suggestion_p50_ms: round(
      percentile(
        [...suggestionLatencies].sort((a, b) => a - b),
        50,
      ),
    ),
    suggestion_p95_ms: round(
      percentile(
        [...suggestionLatencies].sort((a, b) => a - b),
        95,
      ),
    ),
    // Share of customer turns for which each customer-turn analyzer reported (shedding shows here).
    coverage: Object.fromEntries(
      ['intent', 'article-cards', 'replies'].map((name) => [
        name,
        customerTurns === 0 ? null : round((analyses.get(name) ?? 0) / customerTurns),
      ]),
    ),
    events_stored: eventsStored,
    events_lost: eventsLost,
    view_p50_ms: round(
      percentile(
        viewMs.sort((a, b) => a - b),
        50,
      ),
    ),
    view_p95_ms: round(percentile(viewMs, 95)),
    rss_mb: Math.round(process.memoryUsage().rss / 1_048_576),
    event_loop_delay_p99_ms: round(loopDelay.percentile(99) / 1e6),
    load_1m_start: round(loadAtStart),
    load_1m_end: round(loadavg()[0]!),
    bare_ws_rtt_p50_ms: round(bare),
    added_latency_ratio_p50: round(p50 / bare),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
