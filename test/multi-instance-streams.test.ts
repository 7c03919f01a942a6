import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunnableAnalyzer } from '../src/pipeline/analyzer.js';
import type { EventFilter } from '../src/conversations/event-log.js';
import { START_POSITION } from '../src/conversations/event-position.js';
import { serverUrl } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

/** Two analysis events per utterance, so each commit carries several rows. */
const analyzers: RunnableAnalyzer[] = ['words', 'letters'].map((name) => ({
  languages: 'any',
  reads: [],
  name: name as RunnableAnalyzer['name'],
  async analyze({ item }) {
    if (item.kind !== 'utterance') return null;
    return { result: { n: name === 'words' ? item.text.split(' ').length : item.text.length } };
  },
}));

interface Received {
  id: number | null;
  position: string | null;
}

/** A console that drops its socket now and then and resumes from the last position it got. */
class ResumingSubscriber {
  readonly received: Received[] = [];
  private socket: TestSocket | null = null;
  constructor(
    private readonly server: TestServer,
    private readonly key: string,
    private readonly request: Record<string, unknown>,
  ) {}

  async connect(): Promise<void> {
    const socket = await TestSocket.connect(`${this.server.wsUrl}/ws/subscribe`, this.key);
    socket.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; event?: Received };
      if (frame.type === 'event' && frame.event?.id != null) this.received.push(frame.event);
    });
    const cursor = this.received.at(-1)?.position ?? 0;
    await socket.request(
      { type: 'subscribe', ...this.request, cursor },
      (m) => m.type === 'subscribed',
    );
    this.socket = socket;
  }

  async reconnect(): Promise<void> {
    await this.socket?.close();
    await this.connect();
  }

  async close(): Promise<void> {
    await this.socket?.close();
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// Two instances write concurrently to one Postgres server; consoles on both drop and resume.
describe.runIf(serverUrl)('ordered, lossless streams across two instances', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer({ engine: 'postgres', relay: true, analyzers });
    second = await startTestServer({ secondInstanceOf: first, analyzers });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('gives every scope on every instance each event once, in one order, across reconnects', async () => {
    const calls = Array.from({ length: 6 }, (_, index) => ({
      externalId: `ms-${index}`,
      server: index % 2 === 0 ? first : second,
      agentId: index % 3 === 0 ? 'alice' : 'bob',
    }));
    const connectors = await Promise.all(
      calls.map(async (call) => {
        const socket = await TestSocket.connect(
          `${call.server.wsUrl}/ws/ingest`,
          first.keys.connector,
        );
        const opened = await socket.request(
          {
            type: 'open',
            conversationId: call.externalId,
            channel: 'voice',
            agentId: call.agentId,
          },
          (m) => m.type === 'opened',
        );
        return { ...call, socket, id: opened.id as string };
      }),
    );
    const scopes: Array<{
      request: Record<string, unknown>;
      filter: EventFilter;
      key: 'supervisor' | 'agent';
    }> = [
      { request: { scope: 'tenant' }, filter: { tenantId: 'acme' }, key: 'supervisor' },
      { request: { scope: 'agent' }, filter: { tenantId: 'acme', agentId: 'alice' }, key: 'agent' },
      {
        request: { scope: 'conversation', conversationId: 'ms-3' },
        filter: { tenantId: 'acme', conversationId: connectors[3]!.id },
        key: 'agent',
      },
    ];
    const subscribers = [first, second].flatMap((server) =>
      scopes.map((scope) => ({
        scope,
        subscriber: new ResumingSubscriber(server, first.keys[scope.key], scope.request),
      })),
    );
    for (const { subscriber } of subscribers) await subscriber.connect();

    const utterances = 15;
    const writing = Promise.all(
      connectors.map(async (connector) => {
        for (let seq = 1; seq <= utterances; seq++) {
          await connector.socket.request(
            {
              type: 'utterance',
              conversationId: connector.externalId,
              seq,
              speaker: seq % 2 ? 'customer' : 'agent',
              text: `turn ${seq} of ${connector.externalId} with some words`,
              final: true,
            },
            (m) => m.type === 'ack' && m.seq === seq,
          );
        }
        await connector.socket.request(
          { type: 'end', conversationId: connector.externalId },
          (m) => m.type === 'ended',
        );
      }),
    );
    // Consoles drop mid-stream, twice, and resume with the last position they received.
    for (const pause of [150, 400]) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      await Promise.all(subscribers.map(({ subscriber }) => subscriber.reconnect()));
    }
    await writing;
    await Promise.all([first.services.pipeline.drain(), second.services.pipeline.drain()]);

    for (const { scope, subscriber } of subscribers) {
      const stored = await first.services.eventLog.after(scope.filter, START_POSITION, 100_000);
      await until(
        () => subscriber.received.length >= stored.length,
        `${String(scope.request.scope)}: ${subscriber.received.length} of ${stored.length}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const ids = subscriber.received.map((event) => event.id);
      const expected = stored.map((event) => event.id);
      // No gap, no repeat, and the same order as the stored positions.
      expect({ scope: scope.request.scope, ids }).toEqual({
        scope: scope.request.scope,
        ids: expected,
      });
    }
    const tenantIds = subscribers[0]!.subscriber.received.map((event) => event.position!);
    expect([...tenantIds].sort()).toEqual(tenantIds);
    expect(tenantIds.length).toBeGreaterThan(6 * utterances * 3);
    for (const { subscriber } of subscribers) await subscriber.close();
    for (const connector of connectors) await connector.socket.close();
  });
});
