import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket, type Message } from './support/ws-client.js';

/** `{"a":{"a":…}}` `depth` levels deep, as raw JSON (JSON.stringify would recurse as deep). */
function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const isError = (m: Message) => m.type === 'error';

describe.each(engines)('every input is validated at the edge on %s', (engine) => {
  let server: TestServer;
  let ingest: TestSocket;

  /** Sends a bad message, expects a non-retryable validation_failed on `field`. */
  async function refusedOnIngest(message: Record<string, unknown> | string, field: string) {
    const error = await ingest.request(message, isError);
    expect(error).toMatchObject({ code: 'validation_failed', field, retryable: false });
    expect(ingest.isOpen).toBe(true);
    return error;
  }

  beforeAll(async () => {
    server = await startTestServer({ engine });
    ingest = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    await ingest.request(
      { type: 'open', conversationId: 'v-1', channel: 'voice', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
  });
  afterAll(async () => {
    await ingest?.close();
    await server?.close();
  });

  describe('/ws/ingest', () => {
    it('refuses NUL and lone surrogates in ids, text and free-form objects, naming the field', async () => {
      await refusedOnIngest(
        { type: 'open', conversationId: 'x\u0000', channel: 'voice' },
        'conversationId',
      );
      await refusedOnIngest(
        { type: 'open', conversationId: 'v-2', channel: 'voice', metadata: { note: 'a\u0000' } },
        'metadata.note',
      );
      await refusedOnIngest(
        {
          type: 'open',
          conversationId: 'v-2',
          channel: 'voice',
          customerAttributes: { ['k\uD800']: 1 },
        },
        'customerAttributes.k\uD800',
      );
      const base = { type: 'utterance', conversationId: 'v-1', seq: 1, speaker: 'customer' };
      await refusedOnIngest({ ...base, text: 'hi\u0000there', final: true }, 'text');
      await refusedOnIngest({ ...base, text: 'broken \uDC00 text', final: true }, 'text');
      await refusedOnIngest({ ...base, text: 'interim\u0000', final: false }, 'text');
      await refusedOnIngest(
        { type: 'action', conversationId: 'v-1', seq: 1, action: 'refund', data: { x: '\u0000' } },
        'data.x',
      );
    });

    it('refuses JSON nested 10,000 deep or past the free-form limits, naming the field', async () => {
      const deep = await refusedOnIngest(
        `{"type":"open","conversationId":"v-3","channel":"voice","metadata":${deepJson(10_000)}}`,
        'metadata',
      );
      expect(deep.message).toMatch(/nested deeper/);
      await refusedOnIngest(
        `{"type":"open","conversationId":"v-3","channel":"voice","metadata":${deepJson(9)}}`,
        'metadata',
      );
      const wide = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, i]));
      await refusedOnIngest(
        { type: 'action', conversationId: 'v-1', seq: 1, action: 'a', data: wide },
        'data',
      );
    });

    it('refuses seq past 2^31-1 as not retryable, and stores epoch-millisecond times', async () => {
      await refusedOnIngest(
        {
          type: 'utterance',
          conversationId: 'v-1',
          seq: 2 ** 31,
          speaker: 'customer',
          text: 'hello',
          final: true,
        },
        'seq',
      );
      await refusedOnIngest(
        {
          type: 'utterance',
          conversationId: 'v-1',
          seq: 1,
          speaker: 'customer',
          text: 'hello',
          final: true,
          startMs: 2 ** 60,
        },
        'startMs',
      );
      // After all those refusals the same socket goes on, and the sequence was not consumed.
      const startMs = Date.now();
      const ack = await ingest.request(
        {
          type: 'utterance',
          conversationId: 'v-1',
          seq: 1,
          speaker: 'customer',
          text: 'my card was charged twice',
          final: true,
          startMs,
          endMs: startMs + 2_100,
        },
        (m) => m.type === 'ack' || m.type === 'error',
      );
      expect(ack).toMatchObject({ type: 'ack', seq: 1, duplicate: false });
      const opened = await ingest.request(
        { type: 'open', conversationId: 'v-1', channel: 'voice' },
        (m) => m.type === 'opened',
      );
      const page = await server.call(
        'GET',
        `/api/conversations/${String(opened.id)}`,
        server.keys.supervisor,
      );
      expect(page.statusCode).toBe(200);
      expect(page.json().transcript[0]).toMatchObject({ seq: 1, startMs, endMs: startMs + 2_100 });
    });

    it('treats an action resent with its data keys in another order as a duplicate', async () => {
      const first = await ingest.request(
        {
          type: 'action',
          conversationId: 'v-1',
          seq: 2,
          action: 'refund',
          data: { amount: 12, order: { id: 'o-1', lines: [1, 2] } },
        },
        (m) => m.type === 'ack' || m.type === 'error',
      );
      expect(first).toMatchObject({ type: 'ack', seq: 2, duplicate: false });
      const again = await ingest.request(
        {
          type: 'action',
          conversationId: 'v-1',
          seq: 2,
          action: 'refund',
          data: { order: { lines: [1, 2], id: 'o-1' }, amount: 12 },
        },
        (m) => m.type === 'ack' || m.type === 'error',
      );
      expect(again).toMatchObject({ type: 'ack', seq: 2, duplicate: true });
      // Different data is still a conflict.
      const other = await ingest.request(
        { type: 'action', conversationId: 'v-1', seq: 2, action: 'refund', data: { amount: 13 } },
        isError,
      );
      expect(other).toMatchObject({ code: 'sequence_conflict' });
    });
  });

  describe('/ws/subscribe', () => {
    it('refuses a NUL in a field and goes on answering', async () => {
      const socket = await TestSocket.connect(
        `${server.wsUrl}/ws/subscribe`,
        server.keys.supervisor,
      );
      try {
        const error = await socket.request(
          { type: 'subscribe', scope: 'conversation', conversationId: 'v\u0000' },
          isError,
        );
        expect(error).toMatchObject({
          code: 'validation_failed',
          field: 'conversationId',
          retryable: false,
        });
        const huge = await socket.request(
          { type: 'subscribe', scope: 'conversation', conversationId: 'v-1', cursor: 2 ** 60 },
          isError,
        );
        expect(huge).toMatchObject({ code: 'validation_failed', field: 'cursor' });
        const notAPosition = await socket.request(
          { type: 'subscribe', scope: 'conversation', conversationId: 'v-1', cursor: '12.34' },
          isError,
        );
        expect(notAPosition).toMatchObject({ code: 'validation_failed', field: 'cursor' });
        expect(await socket.request({ type: 'ping' }, (m) => m.type === 'pong')).toBeTruthy();
      } finally {
        await socket.close();
      }
    });
  });

  describe('REST', () => {
    it.each([
      ['GET', '/api/conversations/c_%00', 'id'],
      ['GET', '/api/conversations?agentId=a%00', 'agentId'],
      ['GET', '/api/customers/c%00/history', 'customerId'],
      ['GET', '/api/knowledge/search?q=refund%00', 'q'],
      ['GET', '/api/conversations?cursor=not-a-cursor', 'cursor'],
      ['GET', `/api/conversations?cursor=${Buffer.from('x|y').toString('base64url')}`, 'cursor'],
      ['GET', '/api/conversations?cursor=%F0%9F', 'cursor'],
      ['GET', '/api/customers/cust-1/history?cursor=!!!', 'cursor'],
      ['GET', '/api/conversations?limit=99999999999', 'limit'],
      ['GET', '/api/qa/conversations?offset=99999999999', 'offset'],
      ['PATCH', '/api/follow-ups/99999999999', 'id'],
    ] as const)('%s %s is 400 validation_failed on %s', async (method, url, field) => {
      const response = await server.call(
        method,
        url,
        server.keys.admin,
        method === 'PATCH' ? { status: 'done' } : undefined,
      );
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'validation_failed', field });
    });

    it('refuses bad text in JSON bodies, naming the field', async () => {
      const nul = await server.call('POST', '/api/keys', server.keys.admin, {
        name: 'ops\u0000',
        role: 'agent',
        agentId: 'a-1',
      });
      expect(nul.statusCode).toBe(400);
      expect(nul.json().error).toMatchObject({ code: 'validation_failed', field: 'name' });
      const surrogate = await server.call('POST', '/api/articles', server.keys.admin, {
        title: 'Refunds',
        body: 'How to \uD800 refund',
      });
      expect(surrogate.statusCode).toBe(400);
      expect(surrogate.json().error).toMatchObject({ code: 'validation_failed', field: 'body' });
      const deep = await server.app.inject({
        method: 'POST',
        url: '/api/keys',
        headers: {
          authorization: `Bearer ${server.keys.admin}`,
          'content-type': 'application/json',
        },
        payload: `{"name":${deepJson(10_000)},"role":"agent"}`,
      });
      expect(deep.statusCode).toBe(400);
      expect(deep.json().error).toMatchObject({ code: 'validation_failed', field: 'name' });
    });

    it('still answers good requests, and paginates with the cursor it issued', async () => {
      const first = await server.call('GET', '/api/conversations?limit=1', server.keys.supervisor);
      expect(first.statusCode).toBe(200);
      const cursor = first.json().nextCursor as string | null;
      if (cursor) {
        const next = await server.call(
          'GET',
          `/api/conversations?limit=1&cursor=${cursor}`,
          server.keys.supervisor,
        );
        expect(next.statusCode).toBe(200);
      }
    });
  });
});
