import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIBER_TOO_SLOW_CLOSE_CODE } from '../src/app/ws/subscribe-gateway.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

/**
 * Subscribers far behind and subscribers that stop reading: catch-up reaches the present with no
 * hole, the REST view pages its events, and a subscriber that stops reading is closed (4429)
 * instead of growing the server's memory without bound.
 */
describe('subscribers behind, and subscribers that stop reading', () => {
  let server: TestServer;
  let conversationId: string;
  let scope: { tenantId: string; conversationId: string; agentId: string | null };
  beforeAll(async () => {
    server = await startTestServer({ env: { CUECARD_SUBSCRIBER_BUFFER_BYTES: '65536' } });
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const opened = await connector.request(
      { type: 'open', conversationId: 'long-call', channel: 'voice', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
    conversationId = String(opened.id);
    await connector.close();
    scope = { tenantId: 'acme', conversationId, agentId: 'alice' };
    // 6,200 durable events: more than the old 5,000 replay cap.
    await server.services.db.query(
      `INSERT INTO events (tenant_id, conversation_id, agent_id, type, seq, payload)
       SELECT 'acme', $1, 'alice', 'error', g, jsonb_build_object('type', 'error', 'code', 'analyzer_failed',
              'message', 'x', 'retryable', false, 'seq', g)
         FROM generate_series(1, 6200) g`,
      [conversationId],
    );
  });
  afterAll(async () => server?.close());

  it('catches up past any cap to the present, then goes live, with no hole and no repeat', async () => {
    const { rows } = await server.services.db.query<{ id: number }>(
      'SELECT id FROM events WHERE conversation_id = $1 ORDER BY id',
      [conversationId],
    );
    const supervisor = await TestSocket.connect(
      `${server.wsUrl}/ws/subscribe`,
      server.keys.supervisor,
    );
    const subscribed = await supervisor.request(
      { type: 'subscribe', scope: 'conversation', conversationId, cursor: 0 },
      (m) => m.type === 'subscribed',
    );
    expect(subscribed).toMatchObject({ replayed: rows.length, truncated: false });
    const [live] = await server.services.eventLog.append(scope, [
      { type: 'error', code: 'analyzer_failed', message: 'live', retryable: false },
    ]);
    await supervisor.next((m) => m.type === 'event' && (m.event as { id: number }).id === live!.id);
    const ids = supervisor.events().map((event) => event.id);
    expect(ids).toEqual([...rows.map((row) => row.id), live!.id]);
    await supervisor.close();
  });

  it('pages the conversation view’s events', async () => {
    const seen: number[] = [];
    let after = 0;
    for (let page = 0; page < 10; page++) {
      const response = await server.call(
        'GET',
        `/api/conversations/${conversationId}?limit=2000&after=${after}`,
        server.keys.supervisor,
      );
      const body = response.json() as { events: { id: number }[]; nextAfter: number | null };
      seen.push(...body.events.map((event) => event.id));
      if (body.nextAfter === null) break;
      after = body.nextAfter;
    }
    const { rows } = await server.services.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE conversation_id = $1',
      [conversationId],
    );
    expect(seen.length).toBe(rows[0]!.n);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('closes a subscriber that stops reading (4429) instead of buffering for it without bound', async () => {
    const reader = await TestSocket.connect(`${server.wsUrl}/ws/subscribe`, server.keys.supervisor);
    await reader.request(
      { type: 'subscribe', scope: 'conversation', conversationId },
      (m) => m.type === 'subscribed',
    );
    const closed = new Promise<number>((resolve) =>
      reader.socket.once('close', (code) => resolve(code)),
    );
    // The client stops reading its socket: the kernel's buffers fill, then the server's.
    (reader.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const text = 'x'.repeat(4_000);
    for (let batch = 0; batch < 40; batch++) {
      await server.services.eventLog.append(
        scope,
        Array.from({ length: 200 }, (_, i) => ({
          type: 'utterance-interim' as const,
          seq: batch * 200 + i,
          speaker: 'customer' as const,
          text,
        })),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    (reader.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(SUBSCRIBER_TOO_SLOW_CLOSE_CODE);
  });
});
