import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

/**
 * Personal data of issue 17 (point 5) that arrives outside utterances: `open` fields, typed
 * knowledge searches and customer ids in REST paths. Each test reads what a person with access
 * to the database, a console or the logs would see, and finds no raw value.
 */
const email = 'jane.doe@example.com';
const phone = '+1 415 555 0142';
const card = '4111 1111 1111 1111';
const raw = [email, 'jane.doe', phone, '555 0142', card, '4111111111111111', '1111 1111'];

function expectNoRawValue(what: string, text: string): void {
  for (const value of raw) expect(text, `${what} holds ${value}`).not.toContain(value);
}

describe.each(engines)('personal data outside utterances on %s', (engine) => {
  let server: TestServer;
  const logs: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      defaultCapabilities: true,
      logs,
      // Request lines are off by default; this test checks what they would show.
      env: { CUECARD_REQUEST_LOGS: 'true' },
    });
    // globex turns on "redact customer ids" (before anything reads its settings).
    await server.services.db.query(
      `UPDATE tenants SET settings = settings || '{"redactCustomerIds": true}'::jsonb WHERE id = 'globex'`,
    );
  }, 120_000);
  afterAll(async () => server?.close());

  async function open(key: string, conversationId: string) {
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, key);
    try {
      return await connector.request(
        {
          type: 'open',
          conversationId,
          channel: 'chat',
          agentId: 'alice',
          customerId: email,
          customerAttributes: { phone, tier: 'gold', callbackNumber: 4155550142 },
          metadata: { card, queue: 'billing', nested: { note: `mail ${email}` } },
        },
        (m) => m.type === 'opened' || m.type === 'error',
      );
    } finally {
      await connector.close();
    }
  }

  async function storedRows(tenantId: string): Promise<string> {
    const { rows } = await server.services.db.query(
      `SELECT customer_id, customer_attributes, metadata FROM conversations WHERE tenant_id = $1`,
      [tenantId],
    );
    const { rows: events } = await server.services.db.query(
      `SELECT payload FROM events WHERE tenant_id = $1`,
      [tenantId],
    );
    return JSON.stringify([rows, events]);
  }

  it('redacts customer attributes and metadata of open before storage and broadcast', async () => {
    const watcher = await TestSocket.connect(
      `${server.wsUrl}/ws/subscribe`,
      server.keys.supervisor,
    );
    await watcher.request({ type: 'subscribe', scope: 'tenant' }, (m) => m.type === 'subscribed');
    const opened = await open(server.keys.connector, 'pd-1');
    expect(opened.type).toBe('opened');
    const start = await watcher.next(
      (m) => m.type === 'event' && (m.event as { type: string }).type === 'conversation-start',
    );
    await watcher.close();
    const view = await server.call(
      'GET',
      `/api/conversations/${String(opened.id)}`,
      server.keys.supervisor,
    );
    const { conversation } = view.json() as {
      conversation: {
        customerAttributes: Record<string, unknown>;
        metadata: Record<string, unknown>;
      };
    };
    // What is not personal stays as sent; the customer id is kept by default (repeat contact).
    expect(conversation.customerAttributes.tier).toBe('gold');
    expect(conversation.metadata.queue).toBe('billing');
    expect(view.json().conversation.customerId).toBe(email);
    const { customerId: _kept, ...rest } = view.json().conversation as Record<string, unknown>;
    expectNoRawValue('REST view', JSON.stringify(rest));
    expect(JSON.stringify(rest)).toContain('[PHONE]');
    expect(JSON.stringify(rest)).toContain('[CARD_NUMBER]');
    const broadcast = (start.event as { conversation: Record<string, unknown> }).conversation;
    expectNoRawValue('conversation-start', JSON.stringify({ ...broadcast, customerId: null }));
    const stored = await storedRows('acme');
    expectNoRawValue('stored rows', stored.replaceAll(JSON.stringify(email), '"(id)"'));
    expect(stored).not.toContain('4155550142');
  });

  it('replaces customer ids by one stable pseudonym when the tenant asks, and history still finds them', async () => {
    const first = await open(server.keys.otherTenantConnector, 'pd-g-1');
    const second = await open(server.keys.otherTenantConnector, 'pd-g-2');
    expect([first.type, second.type]).toEqual(['opened', 'opened']);
    const stored = await storedRows('globex');
    expectNoRawValue('stored rows and events', stored);
    const { rows } = await server.services.db.query<{ customer_id: string }>(
      `SELECT DISTINCT customer_id FROM conversations WHERE tenant_id = 'globex'`,
    );
    // Both contacts carry the same pseudonym, so repeat contact still links them.
    expect(rows).toHaveLength(1);
    expect(rows[0]!.customer_id).toMatch(/^cust_[0-9a-f]{32}$/);
    // The supervisor looks the customer up by the id they know.
    const history = await server.call(
      'GET',
      `/api/customers/${encodeURIComponent(email)}/history`,
      server.keys.otherTenantAdmin,
    );
    expect(history.statusCode).toBe(200);
    expect(history.json().conversations).toHaveLength(2);
    expectNoRawValue('history conversations', JSON.stringify(history.json().conversations));
    // Another tenant's pseudonym of the same id differs (keyed by the tenant's salt).
    const other = await server.services.storedCustomerId('acme', email);
    expect(other).toBe(email);
  });

  it('stores and shows knowledge searches only redacted', async () => {
    const q = `refund to ${email} on card ${card}`;
    const search = await server.call(
      'GET',
      `/api/knowledge/search?q=${encodeURIComponent(q)}`,
      server.keys.agent,
    );
    expect(search.statusCode).toBe(200);
    // A search logged raw before this fix is shown redacted too.
    await server.services.db.query(
      `INSERT INTO search_log (tenant_id, source, query, terms, top_article_id, top_score, result_count)
       VALUES ('acme', 'search', $1, ARRAY['refund','zzgap'], NULL, 0, 0),
              ('acme', 'search', 'zzgap refund question', ARRAY['refund','zzgap'], NULL, 0, 0)`,
      [`zzgap refund for ${email}`],
    );
    const { rows } = await server.services.db.query(
      `SELECT query, terms FROM search_log WHERE tenant_id = 'acme' AND source = 'search' AND NOT 'zzgap' = ANY(terms)`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expectNoRawValue('search_log', JSON.stringify(rows));
    expect(JSON.stringify(rows)).toContain('refund');
    const gaps = await server.call(
      'GET',
      '/api/knowledge/gaps?maxScore=1',
      server.keys.knowledgeManager,
    );
    expect(gaps.statusCode).toBe(200);
    expectNoRawValue('knowledge gaps', gaps.body);
  });

  it('never writes a raw value, a customer id in a path included, to the log', async () => {
    await server.call(
      'GET',
      `/api/customers/${encodeURIComponent(email)}/history`,
      server.keys.admin,
    );
    await server.call(
      'GET',
      `/api/customers/${encodeURIComponent(email)}/nothing-here`,
      server.keys.admin,
    );
    const text = logs.join('\n');
    expect(text).toContain('/api/customers/:customerId/history');
    expect(text).not.toContain(encodeURIComponent(email));
    expectNoRawValue('logs', text);
  });
});
