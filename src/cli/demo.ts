import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../config/config.js';
import { composeCuecard } from '../app/compose-cuecard.js';
import { DEV_AGENT_ID, type DevKeys } from '../app/dev-tenant.js';
import { devKeysFile, findRunningServer, readJson } from '../app/local-files.js';
import { loadCallScripts } from './replay/call-script.js';
import { replayCall } from './replay/replay-call.js';
import { connectIngest, connectSubscriber } from './replay/ingest-client.js';
import { formatEvent } from './replay/format-event.js';
import type { CuecardEvent } from '../conversations/events.js';

const usage = `Usage: npm run demo [-- options]

Replays one of our demo calls through the real WebSocket protocol and prints the event stream an
agent console receives. Targets, in order:
  --url URL with --connector-key and --agent-key   a server you name
  the server \`npm start\` runs on this data folder   found through <data folder>/server.json and
                                                   dev-keys.json; prints the console URL to watch
  otherwise                                        an in-process server on a throw-away database

Options:
  --call ID        demo call to replay (default demo-double-charge; knowledge/demo-calls/)
  --agent ID       agent the call is routed to (default: the development agent)
  --gap-ms N       pause between turns (default 700)
  --in-process     ignore a running server
  -h, --help       this text`;

interface Target {
  wsUrl: string;
  connectorKey: string;
  agentKey: string;
  agentId: string | undefined;
  /** Where a person watches the call live; absent for the throw-away server. */
  consoleUrl?: string;
  /** Key to sign in to the console with. */
  consoleKey?: string;
  stop(): Promise<void>;
}

/** `npm run demo`: see `usage`. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      'connector-key': { type: 'string' },
      'agent-key': { type: 'string' },
      agent: { type: 'string' },
      call: { type: 'string', default: 'demo-double-charge' },
      'gap-ms': { type: 'string', default: '700' },
      'in-process': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const config = loadConfig();
  const scripts = await loadCallScripts(path.join(config.knowledgeDir, 'demo-calls'));
  const script = scripts.find((candidate) => candidate.id === values.call);
  if (!script)
    throw new Error(`No demo call "${values.call}"; have: ${scripts.map((s) => s.id).join(', ')}`);

  const target =
    (values.url ? namedTarget(values) : null) ??
    (values['in-process'] ? null : await runningTarget(config.dataDir)) ??
    (await inProcessTarget(config));
  const agentId = values.agent ?? target.agentId ?? DEV_AGENT_ID;
  const conversationId = `${script.id}-${Date.now()}`;
  if (target.consoleUrl) {
    process.stdout.write(
      `Watch it live: ${target.consoleUrl}/supervisor/conversations/${encodeURIComponent(conversationId)}\n` +
        (target.consoleKey ? `  (sign in with the supervisor key ${target.consoleKey})\n` : ''),
    );
  }
  const { wsUrl } = target;
  const started = performance.now();
  const subscriber = await connectSubscriber(
    wsUrl,
    target.agentKey,
    { scope: 'agent', agentId },
    (event) => {
      const line = formatEvent(event as unknown as CuecardEvent);
      if (line)
        process.stdout.write(
          `${((performance.now() - started) / 1000).toFixed(2).padStart(6)}s  ${line}\n`,
        );
    },
  );
  const connector = await connectIngest(wsUrl, target.connectorKey);
  process.stdout.write(
    `Replaying "${script.id}" as conversation ${conversationId} (agent ${agentId})\n\n`,
  );
  await replayCall(connector, script, {
    conversationId,
    agentId,
    turnGapMs: Number(values['gap-ms']),
    interims: 2,
  });
  // Wrap-up results follow the end; give them a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  connector.close();
  subscriber.close();
  await target.stop();
}

function namedTarget(values: {
  url?: string;
  'connector-key'?: string;
  'agent-key'?: string;
}): Target {
  const connectorKey = values['connector-key'];
  const agentKey = values['agent-key'];
  if (!values.url || !connectorKey || !agentKey)
    throw new Error('With --url, give --connector-key and --agent-key (printed by npm start).');
  return {
    wsUrl: values.url.replace(/^http/, 'ws'),
    connectorKey,
    agentKey,
    agentId: undefined,
    consoleUrl: values.url.replace(/^ws/, 'http'),
    stop: async () => undefined,
  };
}

/** The server `npm start` runs on this data folder, with the development keys it printed. */
async function runningTarget(dataDir: string): Promise<Target | null> {
  const server = await findRunningServer(dataDir);
  if (!server) return null;
  const devKeys = await readJson<DevKeys>(devKeysFile(dataDir));
  if (!devKeys) {
    process.stderr.write(
      `A Cuecard runs at ${server.url} but has no development keys (${devKeysFile(dataDir)}); replaying into a throw-away server instead. Give --url and keys to use it.\n`,
    );
    return null;
  }
  process.stderr.write(
    `Replaying into the Cuecard running at ${server.url} (pid ${server.pid}).\n`,
  );
  return {
    wsUrl: server.url.replace(/^http/, 'ws'),
    connectorKey: devKeys.keys.connector,
    agentKey: devKeys.keys.agent,
    agentId: devKeys.agentId,
    consoleUrl: server.url,
    consoleKey: devKeys.keys.supervisor,
    stop: async () => undefined,
  };
}

async function inProcessTarget(config: Config): Promise<Target> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cuecard-demo-'));
  process.stderr.write(
    'No running Cuecard found (npm start); starting one in-process on a throw-away embedded database...\n',
  );
  const cuecard = await composeCuecard(
    { ...config, dataDir: path.join(dataDir, 'data'), databaseUrl: undefined },
    { logger: false, devTenant: true },
  );
  await cuecard.app.listen({ host: '127.0.0.1', port: 0 });
  const devKeys = cuecard.devKeys!;
  return {
    wsUrl: `ws://127.0.0.1:${(cuecard.app.server.address() as AddressInfo).port}`,
    connectorKey: devKeys.keys.connector,
    agentKey: devKeys.keys.agent,
    agentId: devKeys.agentId,
    stop: async () => {
      await cuecard.services.pipeline.drain();
      await cuecard.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
