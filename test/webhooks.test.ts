import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallScript } from '../src/cli/replay/call-script.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import { replayCall } from '../src/cli/replay/replay-call.js';
import { engines, serverUrl } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { eventually, WebhookReceiver } from './support/webhook-receiver.js';

const SECRET = 'whsec_test_0123456789abcdef';

/** A billing call with a churn threat and two commitments: every pipeline-made webhook type. */
const call: CallScript = {
  id: 'webhook-call',
  channel: 'voice',
  turns: [
    { speaker: 'agent', text: 'Thank you for calling Northwind, this is Alice. How can I help?' },
    {
      speaker: 'customer',
      text: "I was charged twice this month and I'm fed up. If this isn't fixed today I'm cancelling and switching to another provider.",
    },
    {
      speaker: 'agent',
      text: "I'm so sorry about that. I can see the duplicate charge and I've issued a refund; you'll see it within 5 business days.",
    },
    {
      speaker: 'agent',
      text: "I'll also call you back tomorrow afternoon to confirm it went through.",
    },
    { speaker: 'customer', text: 'Okay, thank you.' },
    { speaker: 'agent', text: 'Thanks for calling Northwind. Have a good day, goodbye.' },
  ],
};

async function playCall(server: TestServer, externalId: string): Promise<string> {
  const connector = await connectIngest(server.wsUrl, server.keys.connector);
  await replayCall(connector, call, {
    conversationId: externalId,
    agentId: 'alice',
    turnGapMs: 0,
    interims: 0,
  });
  connector.close();
  await server.services.pipeline.drain();
  return (await server.services.conversations.findByExternalId('acme', externalId))!.id;
}

const fastRetries = {
  CUECARD_WEBHOOKS_ALLOW_PRIVATE: 'true',
  CUECARD_WEBHOOK_RETRY_BASE_MS: '100',
  CUECARD_WEBHOOK_RETRY_MAX_MS: '400',
  CUECARD_WEBHOOK_POLL_MS: '50',
  CUECARD_ANALYZER_TIMEOUT_MS: '5000',
  CUECARD_LOAD_SHEDDING: 'false',
};

describe.each(engines)('webhooks out (%s)', (engine) => {
  let server: TestServer;
  const receiver = new WebhookReceiver(SECRET);
  let endpointId: string;

  beforeAll(async () => {
    await receiver.start();
    server = await startTestServer({ engine, defaultCapabilities: true, env: fastRetries });
    const created = await server.call('POST', '/api/webhooks', server.keys.admin, {
      url: receiver.url,
      events: [
        'conversation.ended',
        'alert.raised',
        'follow_up.created',
        'disposition.confirmed',
        'qa.reviewed',
      ],
      secret: SECRET,
      description: 'CRM',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().secret).toBe(SECRET);
    endpointId = created.json().id;
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await receiver.stop();
  });

  it('keeps the secret out of every read and the endpoint inside its tenant', async () => {
    const listed = (await server.call('GET', '/api/webhooks', server.keys.admin)).json();
    expect(listed.webhooks).toEqual([expect.objectContaining({ id: endpointId, active: true })]);
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    expect(
      (await server.call('GET', `/api/webhooks/${endpointId}`, server.keys.otherTenantAdmin))
        .statusCode,
    ).toBe(404);
    expect((await server.call('GET', '/api/webhooks', server.keys.supervisor)).statusCode).toBe(
      403,
    );
    const bad = await server.call('POST', '/api/webhooks', server.keys.admin, {
      url: receiver.url,
      events: ['conversation.started'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/events/);
  });

  it('tells the CRM what a call concluded, signed, once per fact', async () => {
    const conversationId = await playCall(server, 'wh-1');
    await eventually(
      () => receiver.bodies('conversation.ended').length === 1,
      'conversation.ended',
    );
    const ended = receiver.bodies('conversation.ended')[0]!;
    expect(ended).toMatchObject({
      type: 'conversation.ended',
      version: 1,
      tenantId: 'acme',
      data: { conversationId, externalId: 'wh-1', agentId: 'alice', channel: 'voice' },
    });
    const data = ended.data;
    expect(typeof data.summary?.text).toBe('string');
    expect(data.disposition?.suggested).toEqual(expect.any(String));
    expect(data.churn?.risk).toEqual(expect.any(Number));
    expect(Array.isArray(data.churn?.reasons)).toBe(true);
    expect(data.qa?.overall).toEqual(expect.any(Number));

    await eventually(() => receiver.bodies('alert.raised').length > 0, 'alert.raised');
    expect(receiver.bodies('alert.raised').map((body) => body.data.alert.kind)).toContain('churn');
    const followUps = receiver.bodies('follow_up.created');
    expect(followUps.length).toBeGreaterThan(0);
    expect(followUps[0]!.data).toMatchObject({ conversationId, followUp: { status: 'open' } });

    // The agent confirms a code, a supervisor overrides a QA criterion.
    const confirmed = await server.call(
      'POST',
      `/api/conversations/${conversationId}/disposition`,
      server.keys.agent,
      { code: 'refund_issued' },
    );
    expect(confirmed.statusCode).toBe(200);
    const review = (
      await server.call('GET', `/api/qa/conversations/${conversationId}`, server.keys.supervisor)
    ).json();
    const criterionId = review.scorecard[0].criterionId;
    await server.call(
      'POST',
      `/api/qa/conversations/${conversationId}/overrides`,
      server.keys.supervisor,
      {
        criterionId,
        score: 0,
        comment: 'missed it',
      },
    );
    await eventually(() => receiver.bodies('qa.reviewed').length === 1, 'qa.reviewed');
    await eventually(
      () => receiver.bodies('disposition.confirmed').length === 1,
      'disposition.confirmed',
    );
    expect(receiver.bodies('disposition.confirmed')[0]!.data).toMatchObject({
      conversationId,
      code: 'refund_issued',
      confirmedBy: 'Alice Example',
    });
    expect(receiver.bodies('qa.reviewed')[0]!.data).toMatchObject({
      criterionId,
      humanScore: 0,
      reviewer: 'supervisor',
    });

    // Every body signed with the endpoint's secret; ids unique; nothing sent twice.
    expect(receiver.received.every((entry) => entry.signed)).toBe(true);
    const ids = receiver.bodies().map((body) => body.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      receiver.received.every((entry) => entry.headers['cuecard-delivery'] !== undefined),
    ).toBe(true);
  }, 120_000);

  it('retries a 500 and an endpoint that is down, losing nothing, and shows each try', async () => {
    const before = receiver.received.length;
    receiver.answers = [500, 503];
    await playCall(server, 'wh-2');
    await eventually(
      () => receiver.bodies('conversation.ended').length === 2,
      'the retried conversation.ended',
    );
    const deliveries = async () =>
      (await server.call('GET', `/api/webhooks/${endpointId}/deliveries`, server.keys.admin)).json()
        .deliveries as Array<{
        type: string;
        attempts: number;
        status: string;
        lastError: string | null;
      }>;
    // The receiver also counts the answered-500 tries, and the two failures may have hit other
    // types than conversation.ended: their retry can still be on its way (a loaded CI machine).
    await expect
      .poll(async () => (await deliveries()).filter((d) => d.attempts >= 2).length, {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    expect(
      (await deliveries()).every((d) => d.status === 'delivered' || d.status === 'pending'),
    ).toBe(true);

    // Down: connections refused while a call ends, back up a few seconds later.
    await receiver.stop();
    await playCall(server, 'wh-3');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const waiting = (
      await server.call('GET', `/api/webhooks/${endpointId}/deliveries`, server.keys.admin)
    ).json().deliveries as Array<{
      status: string;
      lastError: string | null;
      nextAttemptAt: string | null;
    }>;
    const pending = waiting.filter((d) => d.status === 'pending');
    expect(pending.length).toBeGreaterThan(0);
    expect(pending[0]!.lastError).toMatch(/network/);
    expect(pending[0]!.nextAttemptAt).not.toBeNull();
    await receiver.start();
    await eventually(
      () => receiver.bodies('conversation.ended').length === 3,
      'conversation.ended after the endpoint came back',
    );
    expect(receiver.received.slice(before).every((entry) => entry.signed)).toBe(true);
    // Redelivery sends the same body (same id) again.
    const delivered = (
      await server.call('GET', `/api/webhooks/${endpointId}/deliveries`, server.keys.admin)
    ).json().deliveries as Array<{ id: string; status: string }>;
    const again = await server.call(
      'POST',
      `/api/webhooks/${endpointId}/deliveries/${delivered[0]!.id}/redeliver`,
      server.keys.admin,
    );
    expect(again.statusCode).toBe(202);
    await eventually(
      () => receiver.bodies().filter((body) => body.id === delivered[0]!.id).length >= 2,
      'the redelivery',
    );
  }, 120_000);
});

describe('webhook endpoints without CUECARD_WEBHOOKS_ALLOW_PRIVATE', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: {
        CUECARD_WEBHOOK_POLL_MS: '50',
        CUECARD_WEBHOOK_RETRY_BASE_MS: '50',
        CUECARD_WEBHOOK_GIVE_UP_HOURS: '0.0003',
      },
    });
  });
  afterAll(async () => server?.close());

  it('refuses loopback and private targets, naming the field', async () => {
    for (const url of [
      'http://127.0.0.1:9/hooks',
      'http://localhost/hooks',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/x',
      'ftp://example.com/x',
      'https://user:pass@example.com/x',
    ]) {
      const response = await server.call('POST', '/api/webhooks', server.keys.admin, {
        url,
        events: ['alert.raised'],
      });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.field, url).toBe('url');
    }
  });

  it('dead-letters a delivery that never got through, after the give-up time', async () => {
    // Registered while private targets were allowed, then the policy tightened: every attempt is
    // refused at connection time, like a public name that started resolving to a private address.
    const receiver = new WebhookReceiver(SECRET);
    await receiver.start();
    const endpoint = await server.services.webhooks.endpoints.create({
      tenantId: 'acme',
      url: receiver.url,
      events: ['conversation.ended'],
      secret: SECRET,
    });
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await replayCall(connector, call, {
      conversationId: 'wh-dead',
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
    });
    connector.close();
    await server.services.pipeline.drain();
    await eventually(async () => {
      const [delivery] = await server.services.webhooks.deliveries.list('acme', endpoint.id);
      return delivery?.status === 'dead';
    }, 'the dead letter');
    const [delivery] = await server.services.webhooks.deliveries.list('acme', endpoint.id);
    expect(delivery!.lastError).toMatch(/private_address/);
    expect(delivery!.attempts).toBeGreaterThan(1);
    expect(receiver.received).toHaveLength(0);
    await receiver.stop();
  }, 60_000);
});

describe.runIf(serverUrl)('webhooks across a restart (postgres)', () => {
  it('a delivery queued by an instance that stopped is sent by the next, once', async () => {
    const receiver = new WebhookReceiver(SECRET);
    const first = await startTestServer({ engine: 'postgres', env: fastRetries });
    let second: TestServer | undefined;
    try {
      await receiver.start();
      await first.call('POST', '/api/webhooks', first.keys.admin, {
        url: receiver.url,
        events: ['conversation.ended'],
        secret: SECRET,
      });
      await receiver.stop();
      const connector = await connectIngest(first.wsUrl, first.keys.connector);
      await replayCall(connector, call, {
        conversationId: 'wh-restart',
        agentId: 'alice',
        turnGapMs: 0,
        interims: 0,
      });
      connector.close();
      await first.services.pipeline.drain();
      await eventually(async () => {
        const { rows } = await first.services.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending' AND attempts > 0",
        );
        return rows[0]!.n === 1;
      }, 'a failed attempt');
      await first.services.webhooks.dispatcher.stop();
      second = await startTestServer({
        engine: 'postgres',
        secondInstanceOf: first,
        env: fastRetries,
      });
      await receiver.start();
      await eventually(() => receiver.bodies('conversation.ended').length === 1, 'the delivery');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.bodies('conversation.ended')).toHaveLength(1);
      expect(receiver.received[0]!.signed).toBe(true);
    } finally {
      await second?.close();
      await first.close();
      await receiver.stop();
    }
  }, 120_000);
});
