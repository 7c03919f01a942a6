import { describe, expect, it } from 'vitest';
import { loadCallScripts } from '../../cli/replay/call-script.js';
import { replayCall } from '../../cli/replay/replay-call.js';
import { connectIngest } from '../../cli/replay/ingest-client.js';
import { useDefaultServer, type TestServer } from '../../../test/support/test-server.js';
import type { CustomerOverview } from './customer-overview.js';

describe('GET /api/conversations/:id/customer', () => {
  let server: TestServer;
  useDefaultServer((started) => (server = started), { analyzerTimeoutMs: 5_000 });

  it("shows the agent its caller's attributes, earlier calls with their outcome and open promises", async () => {
    const [doubleCharge] = (await loadCallScripts('knowledge/demo-calls')).filter(
      (script) => script.id === 'demo-double-charge',
    );
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    // Bob took the customer's first call; Alice has the customer on the line now.
    await replayCall(connector, doubleCharge!, {
      conversationId: 'cust-earlier',
      agentId: 'bob',
      turnGapMs: 0,
      interims: 0,
    });
    await server.services.pipeline.drain();
    await connector.request({
      type: 'open',
      conversationId: 'cust-now',
      channel: 'chat',
      agentId: 'alice',
      customerId: 'cust-1001',
      customerAttributes: { plan: 'Stream Plus', tenureMonths: 14, 套餐: '家庭宽带' },
    });
    connector.close();
    const now = (await server.services.conversations.findByExternalId('acme', 'cust-now'))!;
    const earlier = (await server.services.conversations.findByExternalId('acme', 'cust-earlier'))!;

    const response = await server.call(
      'GET',
      `/api/conversations/${now.id}/customer`,
      server.keys.agent,
    );
    expect(response.statusCode).toBe(200);
    const overview = response.json<CustomerOverview>();
    expect(overview.customerId).toBe('cust-1001');
    expect(overview.attributes).toEqual({
      plan: 'Stream Plus',
      tenureMonths: 14,
      套餐: '家庭宽带',
    });
    expect(overview.priorContacts).toHaveLength(1);
    const [prior] = overview.priorContacts;
    expect(prior).toMatchObject({ conversationId: earlier.id, channel: 'voice', status: 'ended' });
    // The wrap-up of the earlier call: its suggested code and the summary's first line.
    const suggested = await server.services.wrapups.resultOf(
      { tenantId: 'acme', conversationId: earlier.id },
      'disposition',
    );
    expect(suggested?.suggested).toBeTruthy();
    expect(prior!.outcome).toEqual({ code: suggested!.suggested, confirmed: false });
    expect(prior!.summary).toMatch(/charged twice|duplicate|refund/i);
    // One sentence of the summary, not the whole paragraph.
    expect(prior!.summary).toMatch(/\.$/);
    expect(prior!.summary!.slice(0, -1)).not.toMatch(/[.!?]\s/);
    // Bob promised a callback on the earlier call; Alice now sees it open.
    expect(overview.openFollowUps.map((task) => task.kind)).toContain('callback');
    expect(overview.openFollowUps.every((task) => task.conversationId === earlier.id)).toBe(true);

    // Once Bob confirms another code, that is the outcome shown.
    await server.call(
      'POST',
      `/api/conversations/${earlier.id}/disposition`,
      server.keys.otherAgent,
      {
        code: 'complaint',
      },
    );
    const confirmed = await server.call(
      'GET',
      `/api/conversations/${now.id}/customer`,
      server.keys.agent,
    );
    expect(confirmed.json<CustomerOverview>().priorContacts[0]!.outcome).toEqual({
      code: 'complaint',
      confirmed: true,
    });

    // The connector's own id finds it too; the supervisor may look; Bob may not see Alice's call.
    expect(
      (await server.call('GET', '/api/conversations/cust-now/customer', server.keys.supervisor))
        .statusCode,
    ).toBe(200);
    const forbidden = await server.call(
      'GET',
      `/api/conversations/${now.id}/customer`,
      server.keys.otherAgent,
    );
    expect(forbidden.statusCode).toBe(404);
    expect(JSON.stringify(forbidden.json())).not.toContain('Stream Plus');
    expect(
      (await server.call('GET', `/api/conversations/${now.id}/customer`, server.keys.connector))
        .statusCode,
    ).toBe(403);
  });

  it('answers an empty history for a conversation without a customer id', async () => {
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await connector.request({
      type: 'open',
      conversationId: 'anonymous-chat',
      channel: 'chat',
      agentId: 'alice',
    });
    connector.close();
    const response = await server.call(
      'GET',
      '/api/conversations/anonymous-chat/customer',
      server.keys.agent,
    );
    expect(response.json()).toMatchObject({
      customerId: null,
      attributes: {},
      priorContacts: [],
      openFollowUps: [],
    });
  });

  it('finds the earlier contacts of a customer whose id is stored as a pseudonym', async () => {
    await server.services.db.query(
      `UPDATE tenants SET settings = settings || '{"redactCustomerIds": true}'::jsonb WHERE id = 'globex'`,
    );
    const { key } = await server.services.tenants.issueKey({
      tenantId: 'globex',
      role: 'agent',
      name: 'Gina Example',
      agentId: 'gina',
    });
    const connector = await connectIngest(server.wsUrl, server.keys.otherTenantConnector);
    for (const conversationId of ['pseudo-1', 'pseudo-2'])
      await connector.request({
        type: 'open',
        conversationId,
        channel: 'email',
        agentId: 'gina',
        customerId: 'dana.reyes@example.com',
      });
    connector.close();
    const response = await server.call('GET', '/api/conversations/pseudo-2/customer', key);
    const overview = response.json<CustomerOverview>();
    expect(overview.customerId).toMatch(/^cust_[0-9a-f]{32}$/);
    expect(overview.priorContacts.map((contact) => contact.externalId)).toEqual(['pseudo-1']);
    expect(JSON.stringify(overview)).not.toContain('dana.reyes');
  });

  it("gives a Chinese call's summary as its first Chinese sentence", async () => {
    const [outage] = (await loadCallScripts('knowledge/demo-calls')).filter(
      (script) => script.id === 'demo-zh-outage',
    );
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await replayCall(connector, outage!, {
      conversationId: 'zh-earlier',
      agentId: 'bob',
      turnGapMs: 0,
      interims: 0,
    });
    await server.services.pipeline.drain();
    await replayCall(connector, outage!, {
      conversationId: 'zh-now',
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
      turns: 1,
    });
    connector.close();
    const overview = (
      await server.call('GET', '/api/conversations/zh-now/customer', server.keys.agent)
    ).json<CustomerOverview>();
    expect(overview.attributes).toMatchObject({ plan: '家庭宽带 500M' });
    const [prior] = overview.priorContacts;
    expect(prior!.summary).toMatch(/[\u4e00-\u9fff]/);
    expect(prior!.summary).toMatch(/[。！？]$|…$/);
    expect(prior!.summary!.slice(0, -1)).not.toMatch(/[。！？]/);
  });
});
