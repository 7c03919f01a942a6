import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFinalizer } from '../src/pipeline/analyzer.js';
import { engines } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

/** A wrap-up step that notes which conversations it wrapped up. */
const wrapped: string[] = [];
const noteWrapUp = defineFinalizer({
  name: 'disclosures',
  languages: 'any',
  reads: [],
  readsLive: [],
  async finalize(context) {
    wrapped.push(context.conversation.externalId);
    return { result: { missing: [] } };
  },
});

/**
 * A conversation whose connector vanished (a dropped call, a chat the customer closed) is ended as
 * abandoned after its channel's idle time, wrapped up, and no longer shown as live.
 */
describe.each(engines)('abandoned conversations on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine, finalizers: [noteWrapUp] });
  });
  afterAll(async () => server?.close());

  it('ends the idle ones as abandoned and wraps them up; busy ones and channels without a limit stay live', async () => {
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const supervisor = await TestSocket.connect(
      `${server.wsUrl}/ws/subscribe`,
      server.keys.supervisor,
    );
    await supervisor.request(
      { type: 'subscribe', scope: 'tenant' },
      (m) => m.type === 'subscribed',
    );
    const open = async (conversationId: string, channel: string) => {
      await connector.request(
        { type: 'open', conversationId, channel, agentId: 'alice' },
        (m) => m.type === 'opened' && m.conversationId === conversationId,
      );
      await connector.request(
        {
          type: 'utterance',
          conversationId,
          seq: 1,
          speaker: 'customer',
          text: 'hello?',
          final: true,
        },
        (m) => m.type === 'ack' && m.conversationId === conversationId,
      );
    };
    const gone = `gone-${engine}`;
    const busy = `busy-${engine}`;
    const email = `email-${engine}`;
    await open(gone, 'voice');
    await open(busy, 'voice');
    await open(email, 'email');
    // The vanished call's and the e-mail's last items were 20 minutes ago.
    await server.services.db.query(
      `UPDATE conversations SET last_activity_at = now() - interval '20 minutes'
        WHERE external_id = ANY($1::text[])`,
      [[gone, email]],
    );

    const ended = await server.services.ingest.endAbandoned({ voice: 15 * 60, chat: 60 * 60 });
    expect(ended.map((c) => c.externalId)).toEqual([gone]);
    expect(ended[0]).toMatchObject({ status: 'ended', metadata: { endReason: 'abandoned' } });
    await supervisor.next(
      (m) =>
        m.type === 'event' &&
        (m.event as { type: string }).type === 'conversation-end' &&
        (m.event as { conversation: { externalId: string } }).conversation.externalId === gone,
    );
    await server.services.pipeline.drain();
    expect(wrapped).toContain(gone);
    // A second sweep (another instance's) finds nothing more to end.
    expect(await server.services.ingest.endAbandoned({ voice: 15 * 60 })).toEqual([]);
    // Only live conversations are listed as active.
    const active = await server.call(
      'GET',
      '/api/conversations?status=active',
      server.keys.supervisor,
    );
    const ids = (active.json() as { conversations: { externalId: string }[] }).conversations.map(
      (c) => c.externalId,
    );
    expect(ids).toEqual(expect.arrayContaining([busy, email]));
    expect(ids).not.toContain(gone);
    await Promise.all([connector.close(), supervisor.close()]);
  });
});
