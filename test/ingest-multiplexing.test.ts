import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

/**
 * One connector socket carrying many conversations (a chat platform's connector does): each
 * conversation's items are stored and acknowledged in its own order, and conversations proceed
 * side by side instead of one message of the socket at a time.
 */
describe.each(engines)('one connector socket, many conversations, on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine });
  });
  afterAll(async () => server?.close());

  it('acknowledges every item, in order within each conversation, whatever the interleaving', async () => {
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const ids = Array.from({ length: 20 }, (_, i) => `mux-${engine}-${i}`);
    await Promise.all(
      ids.map((conversationId) =>
        connector.request(
          { type: 'open', conversationId, channel: 'chat', agentId: 'alice' },
          (m) => m.type === 'opened' && m.conversationId === conversationId,
        ),
      ),
    );
    // Every conversation's five items go out at once, interleaved across conversations.
    for (let seq = 1; seq <= 5; seq++)
      for (const conversationId of ids)
        connector.send({
          type: 'utterance',
          conversationId,
          seq,
          speaker: seq % 2 ? 'customer' : 'agent',
          text: `turn ${seq} of ${conversationId}`,
          final: true,
        });
    const acks = () => connector.messages.filter((m) => m.type === 'ack');
    await connector.next(() => acks().length === ids.length * 5, 30_000);
    expect(connector.messages.filter((m) => m.type === 'error')).toEqual([]);
    for (const conversationId of ids) {
      const own = acks().filter((m) => m.conversationId === conversationId);
      expect(own.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(own.map((m) => m.duplicate)).toEqual([false, false, false, false, false]);
    }
    await connector.close();
  });
});
