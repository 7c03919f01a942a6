import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openSubscription, type ConnectionState } from '../web/src/live/subscription.js';
import type { CuecardEvent, EventBody } from '../src/conversations/events.js';
import { START_POSITION } from '../src/conversations/event-position.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

const marker = (label: string): EventBody => ({
  type: 'error',
  code: 'marker',
  message: label,
  retryable: false,
});

async function until(condition: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// The consoles' own subscription client (web/src/live/subscription.ts), run against a real server.
describe('the consoles’ subscription', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The browser's WebSocket: `ws` implements the same EventTarget interface.
    (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('keeps events whose id is lower than one it has, and resumes after a drop with nothing missed or doubled', async () => {
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const opened = await connector.request(
      { type: 'open', conversationId: 'web-1', channel: 'chat', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
    const scope = { tenantId: 'acme', conversationId: opened.id as string, agentId: 'alice' };
    const received: CuecardEvent[] = [];
    const states: ConnectionState[] = [];
    const subscription = openSubscription({
      key: server.keys.supervisor,
      request: { scope: 'tenant' },
      cursor: 0,
      origin: server.wsUrl,
      onEvent: (event) => received.push(event),
      onState: (state) => states.push(state),
    });
    try {
      await until(() => states.includes('live'), 'the subscription');
      await server.services.eventLog.append(scope, [marker('one'), marker('two')]);
      // An id taken before "three" but committed after it: it arrives with a lower id.
      const { rows } = await server.services.db.query<{ id: string }>(
        "SELECT nextval('events_id_seq') AS id",
      );
      await server.services.eventLog.append(scope, [marker('three')]);
      await server.services.db.query(
        `INSERT INTO events (id, tenant_id, conversation_id, agent_id, type, payload)
         VALUES ($1, 'acme', $2, 'alice', 'error', $3::jsonb)`,
        [Number(rows[0]!.id), scope.conversationId, JSON.stringify(marker('late'))],
      );
      await server.services.eventLog.publishCommitted();
      await until(
        () => received.some((event) => event.type === 'error' && event.message === 'late'),
        'the late event',
      );

      // The server drops the console; events written meanwhile come with the resume.
      const live = states.length;
      for (const client of server.app.websocketServer.clients) client.terminate();
      await until(() => states.slice(live).includes('reconnecting'), 'the drop');
      await server.services.eventLog.append(scope, [marker('while away')]);
      await until(() => states.slice(live).includes('live'), 'the resume');
      await server.services.eventLog.append(scope, [marker('after')]);

      const stored = await server.services.eventLog.after({ tenantId: 'acme' }, START_POSITION);
      await until(
        () => received.filter((e) => e.id !== null).length >= stored.length,
        'all events',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received.filter((event) => event.id !== null).map((event) => event.id)).toEqual(
        stored.map((event) => event.id),
      );
      expect(subscription.lastPosition()).toBe(stored.at(-1)!.position);
    } finally {
      subscription.close();
      await connector.close();
    }
  });
});
