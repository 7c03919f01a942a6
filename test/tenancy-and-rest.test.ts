import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

describe.each(engines)('tenancy, auth and REST on %s', (engine) => {
  let server: TestServer;
  const get = (url: string, key?: string) =>
    server.app.inject({
      method: 'GET',
      url,
      headers: key ? { authorization: `Bearer ${key}` } : {},
    });

  beforeAll(async () => {
    server = await startTestServer({ engine });
    // Acme: alice has two calls (one ended), bob one chat; the same customer also e-mailed. Globex: one call.
    const acme = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const openConversation = (
      socket: TestSocket,
      conversationId: string,
      extra: Record<string, unknown>,
    ) =>
      socket.request(
        { type: 'open', conversationId, ...extra },
        (m) => m.type === 'opened' && m.conversationId === conversationId,
      );
    await openConversation(acme, 'a-1', {
      channel: 'voice',
      agentId: 'alice',
      customerId: 'cust-42',
    });
    await openConversation(acme, 'a-2', {
      channel: 'chat',
      agentId: 'alice',
      customerId: 'cust-7',
    });
    await openConversation(acme, 'b-1', { channel: 'chat', agentId: 'bob', customerId: 'cust-42' });
    await openConversation(acme, 'e-1', { channel: 'email', customerId: 'cust-42' });
    await acme.request(
      {
        type: 'utterance',
        conversationId: 'a-1',
        seq: 1,
        speaker: 'customer',
        text: 'hello',
        final: true,
      },
      (m) => m.type === 'ack',
    );
    await acme.request({ type: 'end', conversationId: 'a-1' }, (m) => m.type === 'ended');
    const globex = await TestSocket.connect(
      `${server.wsUrl}/ws/ingest`,
      server.keys.otherTenantConnector,
    );
    await openConversation(globex, 'g-1', {
      channel: 'voice',
      agentId: 'alice',
      customerId: 'cust-42',
    });
    await Promise.all([acme.close(), globex.close()]);
  });
  afterAll(async () => server?.close());

  it('refuses HTTP requests without a key or with a wrong one, with a message saying what to do', async () => {
    const missing = await get('/api/conversations');
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error).toMatchObject({ code: 'unauthenticated' });
    expect(missing.json().error.message).toMatch(/Authorization: Bearer/);
    expect((await get('/api/conversations', 'cc_admin_not-a-real-key')).statusCode).toBe(401);
  });

  it('refuses WebSocket handshakes without a valid key (401) or with the wrong role (403)', async () => {
    expect((await TestSocket.refusal(`${server.wsUrl}/ws/ingest`)).status).toBe(401);
    expect((await TestSocket.refusal(`${server.wsUrl}/ws/ingest?key=wrong`)).status).toBe(401);
    const wrongRole = await TestSocket.refusal(`${server.wsUrl}/ws/ingest`, {
      authorization: `Bearer ${server.keys.agent}`,
    });
    expect(wrongRole.status).toBe(403);
    expect(JSON.parse(wrongRole.body).error.code).toBe('forbidden');
    expect(
      (await TestSocket.refusal(`${server.wsUrl}/ws/subscribe?key=${server.keys.connector}`))
        .status,
    ).toBe(403);
  });

  it('lets an admin issue, list and revoke keys of its own tenant only', async () => {
    const post = (key: string, payload: object) =>
      server.app.inject({
        method: 'POST',
        url: '/api/keys',
        headers: { authorization: `Bearer ${key}` },
        payload,
      });
    const issued = await post(server.keys.admin, {
      name: 'Carol console',
      role: 'agent',
      agentId: 'carol',
    });
    expect(issued.statusCode).toBe(201);
    const { id, key } = issued.json();
    expect((await get('/api/me', key)).json()).toMatchObject({
      tenantId: 'acme',
      role: 'agent',
      agentId: 'carol',
    });
    const listed = (await get('/api/keys', server.keys.admin)).json().keys;
    expect(listed.find((k: { id: string }) => k.id === id)).toMatchObject({
      name: 'Carol console',
      role: 'agent',
      revokedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(
      (await post(server.keys.admin, { name: 'x', role: 'agent' })).json().error,
    ).toMatchObject({ code: 'validation_failed', field: 'agentId' });
    expect((await post(server.keys.admin, { name: 'x', role: 'wizard' })).statusCode).toBe(400);
    expect((await post(server.keys.supervisor, { name: 'x', role: 'admin' })).statusCode).toBe(403);
    // Another tenant's admin cannot revoke it; its own admin can, and it stops working at once.
    const foreign = await server.app.inject({
      method: 'DELETE',
      url: `/api/keys/${id}`,
      headers: { authorization: `Bearer ${server.keys.otherTenantAdmin}` },
    });
    expect(foreign.statusCode).toBe(404);
    const revoked = await server.app.inject({
      method: 'DELETE',
      url: `/api/keys/${id}`,
      headers: { authorization: `Bearer ${server.keys.admin}` },
    });
    expect(revoked.json()).toEqual({ id, revoked: true });
    expect((await get('/api/me', key)).statusCode).toBe(401);
  });

  it('tells a key who it is', async () => {
    expect((await get('/api/me', server.keys.agent)).json()).toMatchObject({
      tenantId: 'acme',
      tenantName: 'Acme',
      role: 'agent',
      agentId: 'alice',
    });
    expect((await get('/api/me', server.keys.otherTenantAdmin)).json()).toMatchObject({
      tenantId: 'globex',
      tenantName: 'Globex',
      role: 'admin',
      agentId: null,
    });
    expect((await get('/api/me')).statusCode).toBe(401);
  });

  it('shows an agent only its own conversations, over REST and WebSocket', async () => {
    const list = (await get('/api/conversations', server.keys.agent)).json();
    expect(list.conversations.map((c: { externalId: string }) => c.externalId).sort()).toEqual([
      'a-1',
      'a-2',
    ]);
    expect((await get('/api/conversations?agentId=bob', server.keys.agent)).statusCode).toBe(403);
    const bobs = (await get('/api/conversations?agentId=bob', server.keys.supervisor)).json();
    expect(bobs.conversations.map((c: { externalId: string }) => c.externalId)).toEqual(['b-1']);
    expect((await get('/api/conversations/b-1', server.keys.agent)).statusCode).toBe(404);

    const agent = await TestSocket.connect(`${server.wsUrl}/ws/subscribe`, server.keys.agent);
    expect(
      await agent.request(
        { type: 'subscribe', scope: 'conversation', conversationId: 'b-1' },
        (m) => m.type === 'error',
      ),
    ).toMatchObject({ code: 'not_found' });
    expect(
      await agent.request(
        { type: 'subscribe', scope: 'agent', agentId: 'bob' },
        (m) => m.type === 'error',
      ),
    ).toMatchObject({ code: 'forbidden' });
    expect(
      await agent.request({ type: 'subscribe', scope: 'tenant' }, (m) => m.type === 'error'),
    ).toMatchObject({ code: 'forbidden' });
    expect(
      await agent.request(
        { type: 'subscribe', scope: 'conversation', conversationId: 'a-2', cursor: 0 },
        (m) => m.type === 'subscribed',
      ),
    ).toMatchObject({ replayed: 1 });
    await agent.close();
  });

  it('never lets a key see another tenant', async () => {
    const acme = (await get('/api/conversations', server.keys.admin)).json();
    expect(acme.conversations.map((c: { externalId: string }) => c.externalId)).not.toContain(
      'g-1',
    );
    expect((await get('/api/conversations/g-1', server.keys.admin)).statusCode).toBe(404);
    const globex = (await get('/api/conversations', server.keys.otherTenantAdmin)).json();
    expect(globex.conversations.map((c: { externalId: string }) => c.externalId)).toEqual(['g-1']);
    const history = (
      await get('/api/customers/cust-42/history', server.keys.otherTenantAdmin)
    ).json();
    expect(history.conversations).toHaveLength(1);

    // A supervisor following the whole tenant sees nothing of the other tenant's live traffic.
    const supervisor = await TestSocket.connect(
      `${server.wsUrl}/ws/subscribe`,
      server.keys.supervisor,
    );
    await supervisor.request(
      { type: 'subscribe', scope: 'tenant' },
      (m) => m.type === 'subscribed',
    );
    const globexConnector = await TestSocket.connect(
      `${server.wsUrl}/ws/ingest`,
      server.keys.otherTenantConnector,
    );
    await globexConnector.request(
      {
        type: 'utterance',
        conversationId: 'g-1',
        seq: 1,
        speaker: 'customer',
        text: 'secret',
        final: true,
      },
      (m) => m.type === 'ack',
    );
    // A connector of one tenant cannot write into another's conversation either.
    const acmeConnector = await TestSocket.connect(
      `${server.wsUrl}/ws/ingest`,
      server.keys.connector,
    );
    expect(
      await acmeConnector.request(
        {
          type: 'utterance',
          conversationId: 'g-1',
          seq: 2,
          speaker: 'customer',
          text: 'x',
          final: true,
        },
        (m) => m.type === 'error',
      ),
    ).toMatchObject({ code: 'not_found' });
    await supervisor.request({ type: 'ping' }, (m) => m.type === 'pong');
    expect(supervisor.events()).toHaveLength(0);
    await Promise.all([supervisor.close(), globexConnector.close(), acmeConnector.close()]);
  });

  it('lists with filters and pages, shows one conversation with transcript and events, and a customer history across channels', async () => {
    const chats = (await get('/api/conversations?channel=chat', server.keys.supervisor)).json();
    expect(chats.conversations.map((c: { externalId: string }) => c.externalId).sort()).toEqual([
      'a-2',
      'b-1',
    ]);
    const ended = (await get('/api/conversations?status=ended', server.keys.supervisor)).json();
    expect(ended.conversations.map((c: { externalId: string }) => c.externalId)).toEqual(['a-1']);

    const first = (await get('/api/conversations?limit=3', server.keys.supervisor)).json();
    expect(first.conversations).toHaveLength(3);
    const second = (
      await get(`/api/conversations?limit=3&cursor=${first.nextCursor}`, server.keys.supervisor)
    ).json();
    expect(second.nextCursor).toBeNull();
    const all = [...first.conversations, ...second.conversations].map(
      (c: { externalId: string }) => c.externalId,
    );
    expect(all.sort()).toEqual(['a-1', 'a-2', 'b-1', 'e-1']);

    const future = (
      await get('/api/conversations?from=2999-01-01T00:00:00Z', server.keys.supervisor)
    ).json();
    expect(future.conversations).toHaveLength(0);
    const badTime = await get('/api/conversations?from=yesterday', server.keys.supervisor);
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json().error).toMatchObject({ code: 'validation_failed', field: 'from' });

    const one = (await get('/api/conversations/a-1', server.keys.agent)).json();
    expect(one.conversation).toMatchObject({
      externalId: 'a-1',
      status: 'ended',
      channel: 'voice',
    });
    expect(one.transcript).toMatchObject([{ seq: 1, speaker: 'customer', text: 'hello' }]);
    expect(one.events.map((e: { type: string }) => e.type)).toEqual([
      'conversation-start',
      'item-final',
      'conversation-end',
      'wrapup-complete',
    ]);

    const history = (await get('/api/customers/cust-42/history', server.keys.supervisor)).json();
    expect(history.conversations.map((c: { channel: string }) => c.channel).sort()).toEqual([
      'chat',
      'email',
      'voice',
    ]);
    expect((await get('/api/customers/cust-42/history', server.keys.agent)).statusCode).toBe(403);
  });

  it('serves health, readiness and an OpenAPI document without a key', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await get('/readyz')).json()).toMatchObject({ status: 'ready', database: engine });
    const openapi = (await get('/openapi.json')).json();
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/api/conversations',
        '/api/conversations/{id}',
        '/api/customers/{customerId}/history',
      ]),
    );
  });
});
