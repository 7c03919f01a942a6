import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config/config.js';
import { composeCuecard } from '../app/compose-cuecard.js';
import { loadCallScripts } from './replay/call-script.js';
import { replayCall } from './replay/replay-call.js';
import { connectIngest, connectSubscriber } from './replay/ingest-client.js';
import { formatEvent } from './replay/format-event.js';
import type { CuecardEvent } from '../conversations/events.js';

/**
 * `npm run demo`: replays one of our demo calls through the real sockets and prints the event
 * stream an agent console receives. Against a running server with --url and keys, or (default)
 * against a server started in-process on a throw-away embedded database.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      'connector-key': { type: 'string' },
      'agent-key': { type: 'string' },
      agent: { type: 'string', default: 'agent-1' },
      call: { type: 'string', default: 'demo-double-charge' },
      'gap-ms': { type: 'string', default: '700' },
    },
  });
  const config = loadConfig();
  const scripts = await loadCallScripts(path.join(config.knowledgeDir, 'demo-calls'));
  const script = scripts.find((candidate) => candidate.id === values.call);
  if (!script)
    throw new Error(`No demo call "${values.call}"; have: ${scripts.map((s) => s.id).join(', ')}`);

  let wsUrl = values.url?.replace(/^http/, 'ws');
  let connectorKey = values['connector-key'];
  let agentKey = values['agent-key'];
  let stop = async () => undefined as void;
  if (!wsUrl) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cuecard-demo-'));
    process.stderr.write('Starting an in-process Cuecard on a throw-away embedded database...\n');
    const cuecard = await composeCuecard(
      { ...config, dataDir: path.join(dataDir, 'data'), databaseUrl: undefined },
      { logger: false, devTenant: true },
    );
    await cuecard.app.listen({ host: '127.0.0.1', port: 0 });
    wsUrl = `ws://127.0.0.1:${(cuecard.app.server.address() as AddressInfo).port}`;
    connectorKey = cuecard.devKeys!.keys.connector;
    agentKey = cuecard.devKeys!.keys.agent;
    values.agent = cuecard.devKeys!.agentId;
    stop = async () => {
      await cuecard.services.pipeline.drain();
      await cuecard.close();
      await rm(dataDir, { recursive: true, force: true });
    };
  } else if (!connectorKey || !agentKey) {
    throw new Error('With --url, give --connector-key and --agent-key (printed by npm start).');
  }

  const started = performance.now();
  const subscriber = await connectSubscriber(
    wsUrl,
    agentKey!,
    { scope: 'agent', agentId: values.agent },
    (event) => {
      const line = formatEvent(event as unknown as CuecardEvent);
      if (line)
        process.stdout.write(
          `${((performance.now() - started) / 1000).toFixed(2).padStart(6)}s  ${line}\n`,
        );
    },
  );
  const connector = await connectIngest(wsUrl, connectorKey!);
  const conversationId = `${script.id}-${Date.now()}`;
  process.stdout.write(
    `Replaying "${script.id}" as conversation ${conversationId} (agent ${values.agent})\n\n`,
  );
  await replayCall(connector, script, {
    conversationId,
    agentId: values.agent!,
    turnGapMs: Number(values['gap-ms']),
    interims: 2,
  });
  // Wrap-up results follow the end; give them a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  connector.close();
  subscriber.close();
  await stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
