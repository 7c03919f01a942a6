import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunnableAnalyzer } from '../src/pipeline/analyzer.js';
import { serverUrl } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket, type Message } from './support/ws-client.js';

/** Reports the word count of each utterance. */
const wordCount: RunnableAnalyzer = {
  languages: 'any',
  reads: [],
  name: 'word-count',
  async analyze({ item }) {
    if (item.kind !== 'utterance') return null;
    return { result: { words: item.text.split(/\s+/).filter(Boolean).length } };
  },
};

const eventOf = (message: Message) => message.event as { type: string; [key: string]: unknown };

// Two Cuecard processes behind a load balancer share one Postgres server: the connector lands on
// one, the agent's console on the other. Only a real server can show this (PGlite is one process).
describe.runIf(serverUrl)('two instances on one Postgres server', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer({ engine: 'postgres', relay: true, analyzers: [wordCount] });
    second = await startTestServer({ secondInstanceOf: first, analyzers: [wordCount] });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('delivers a call ingested on one instance to an agent subscribed on the other, once each', async () => {
    const agent = await TestSocket.connect(`${second.wsUrl}/ws/subscribe`, second.keys.agent);
    await agent.request({ type: 'subscribe', scope: 'agent' }, (m) => m.type === 'subscribed');
    // A supervisor on the writing instance must not get its own events back through the relay.
    const local = await TestSocket.connect(`${first.wsUrl}/ws/subscribe`, first.keys.supervisor);
    await local.request({ type: 'subscribe', scope: 'tenant' }, (m) => m.type === 'subscribed');
    const connector = await TestSocket.connect(`${first.wsUrl}/ws/ingest`, first.keys.connector);
    await connector.request(
      { type: 'open', conversationId: 'relay-1', channel: 'voice', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
    // An interim preview is not stored: it crosses in the notification itself.
    connector.send({
      type: 'utterance',
      conversationId: 'relay-1',
      seq: 1,
      speaker: 'customer',
      text: 'I was charged',
      final: false,
    });
    await agent.next((m) => m.type === 'event' && eventOf(m).type === 'utterance-interim');
    for (const [seq, text] of [
      [1, 'I was charged twice this month'],
      [2, 'please refund one of them'],
    ] as const) {
      await connector.request(
        {
          type: 'utterance',
          conversationId: 'relay-1',
          seq,
          speaker: 'customer',
          text,
          final: true,
        },
        (m) => m.type === 'ack' && m.seq === seq,
      );
    }
    const analysis = await agent.next(
      (m) => m.type === 'event' && eventOf(m).analyzer === 'word-count' && eventOf(m).seq === 2,
    );
    expect(eventOf(analysis)).toMatchObject({ result: { words: 5 } });

    // Nothing delivered twice, and in the order it was written.
    await first.services.pipeline.drain();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stored = await first.services.eventLog.since({ tenantId: 'acme', agentId: 'alice' }, 0);
    for (const socket of [agent, local]) {
      const ids = socket.messages
        .filter((m) => m.type === 'event' && eventOf(m).id !== null)
        .map((m) => eventOf(m).id as number);
      expect(ids).toEqual(stored.map((event) => event.id));
      const interims = socket.messages.filter(
        (m) => m.type === 'event' && eventOf(m).type === 'utterance-interim',
      );
      expect(interims).toHaveLength(1);
    }
  });
});
