import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCallScripts } from '../src/cli/replay/call-script.js';
import { replayCall } from '../src/cli/replay/replay-call.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { engines } from './support/test-database.js';

/*
 * Issue 20, item 4: an operator's Prometheus scrapes /metrics and sees how long each stage takes,
 * how much work waits and for how long, who is subscribed, events flowing, webhook outcomes and
 * database use — behind a token of its own, never an API key.
 */
const token = 'metrics-token-0123456789abcdef';

/** The value of one series line, e.g. `name{a="b"}`; undefined when the scrape lacks it. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(engines)('GET /metrics on %s', (engine) => {
  let server: TestServer;
  const receiver = new WebhookReceiver('metrics-test-secret-0123456789');
  const scrape = (auth?: string) =>
    server.app.inject({
      method: 'GET',
      url: '/metrics',
      ...(auth ? { headers: { authorization: `Bearer ${auth}` } } : {}),
    });

  beforeAll(async () => {
    await receiver.start();
    server = await startTestServer({
      engine,
      defaultCapabilities: true,
      env: {
        CUECARD_ANALYZER_TIMEOUT_MS: '5000',
        CUECARD_METRICS_TOKEN: token,
        CUECARD_WEBHOOKS_ALLOW_PRIVATE: 'true',
        CUECARD_WEBHOOK_POLL_MS: '50',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await receiver.stop();
  });

  it('answers only the metrics token', async () => {
    expect((await scrape()).statusCode).toBe(401);
    expect((await scrape(server.keys.admin)).statusCode).toBe(401);
    expect((await scrape('metrics-token-0123456789abcdeX')).statusCode).toBe(401);
    const ok = await scrape(token);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts stage latencies, events, subscriptions, webhooks, pending work and the database', async () => {
    const hook = await server.call('POST', '/api/webhooks', server.keys.admin, {
      url: receiver.url,
      events: ['conversation.ended'],
      secret: receiver.secret,
    });
    expect(hook.statusCode).toBe(201);
    const console = await TestSocket.connect(
      `${server.wsUrl}/ws/subscribe`,
      server.keys.supervisor,
    );
    await console.request({ type: 'subscribe', scope: 'tenant' }, (m) => m.type === 'subscribed');
    const scripts = await loadCallScripts(path.resolve('knowledge/demo-calls'));
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await replayCall(
      connector,
      scripts.find((s) => s.id === 'demo-double-charge')!,
      {
        conversationId: 'metrics-call',
        agentId: 'alice',
        turnGapMs: 0,
        interims: 0,
      },
    );
    connector.close();
    await server.services.pipeline.drain();
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBeGreaterThan(0);
    // Work nobody here runs, queued two minutes ago: the backlog an operator would alert on.
    await server.services.db.query(
      `INSERT INTO work_items (kind, queue_key, seq, dedup_key, created_at)
       VALUES ('export', 'q', 1, 'metrics-test', now() - interval '2 minutes')`,
    );

    // The receiver has the body before the dispatcher has its answer and counts the outcome.
    await expect
      .poll(
        async () =>
          valueOf(
            (await scrape(token)).body,
            'cuecard_webhook_attempts_total{outcome="delivered"}',
          ),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
    const text = (await scrape(token)).body;
    const customerTurns = scripts
      .find((s) => s.id === 'demo-double-charge')!
      .turns.filter((t) => 'speaker' in t && t.speaker === 'customer').length;
    const sentiment = valueOf(
      text,
      'cuecard_stage_duration_seconds_count{kind="analyzer",stage="sentiment",outcome="ok"}',
    );
    expect(sentiment).toBeGreaterThanOrEqual(customerTurns);
    expect(
      valueOf(
        text,
        'cuecard_stage_duration_seconds_bucket{kind="analyzer",stage="sentiment",outcome="ok",le="+Inf"}',
      ),
    ).toBe(sentiment);
    expect(
      valueOf(
        text,
        'cuecard_stage_duration_seconds_count{kind="finalizer",stage="summary",outcome="ok"}',
      ),
    ).toBe(1);
    expect(valueOf(text, 'cuecard_events_published_total')).toBeGreaterThan(customerTurns);
    expect(valueOf(text, 'cuecard_subscriptions')).toBe(1);
    expect(valueOf(text, 'cuecard_webhook_attempts_total{outcome="delivered"}')).toBeGreaterThan(0);
    expect(valueOf(text, 'cuecard_work_pending{kind="export"}')).toBe(1);
    expect(
      valueOf(text, 'cuecard_work_oldest_pending_seconds{kind="export"}'),
    ).toBeGreaterThanOrEqual(120);
    // Postgres: the pool's connections; embedded: its one connection and the statements queued.
    const busy = valueOf(text, `cuecard_db_connections{state="busy",engine="${engine}"}`);
    const idle = valueOf(text, `cuecard_db_connections{state="idle",engine="${engine}"}`);
    expect(busy! + idle!).toBeGreaterThanOrEqual(1);
    // Pollers (webhooks, the tail) may be waiting at the moment of the scrape: a count, not zero.
    expect(
      valueOf(text, `cuecard_db_connections{state="waiting",engine="${engine}"}`),
    ).toBeGreaterThanOrEqual(0);
    // Labels name stages and outcomes, never tenants, customers or what was said.
    expect(text).not.toMatch(/acme|cust-1001|charged twice/);

    await console.close();
    await expect
      .poll(async () => valueOf((await scrape(token)).body, 'cuecard_subscriptions'), {
        timeout: 10_000,
      })
      .toBe(0);
  }, 120_000);
});

describe('GET /metrics switched off or open; quiet request logs', () => {
  it('does not exist by default, and is open on CUECARD_METRICS=true', async () => {
    const logs: string[] = [];
    const off = await startTestServer({ logs });
    try {
      expect((await off.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      expect((await off.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      // No line per request unless CUECARD_REQUEST_LOGS=true (test/personal-data.test.ts).
      expect(logs.filter((line) => line.includes('"req"') || line.includes('"res"'))).toEqual([]);
    } finally {
      await off.close();
    }
    const open = await startTestServer({ env: { CUECARD_METRICS: 'true' } });
    try {
      const response = await open.app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('# TYPE cuecard_stage_duration_seconds histogram');
    } finally {
      await open.close();
    }
  }, 180_000);
});
