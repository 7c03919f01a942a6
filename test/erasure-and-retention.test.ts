import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCallScripts, type CallScript } from '../src/cli/replay/call-script.js';
import { replayCall } from '../src/cli/replay/replay-call.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import { createAuditLog } from '../src/privacy/audit-log.js';
import { createRetentionPurge } from '../src/privacy/retention-purge.js';
import { engines } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/*
 * Issue 20, item 3: an admin erases one customer and everything Cuecard derived from their calls
 * goes (checked against every table that names a conversation or a customer, so a table added
 * later cannot be forgotten); retention purges old transcripts, events and wrap-ups per tenant.
 * Both leave other customers and tenants alone and are in the audit log.
 */
describe.each(engines)('erasure and retention on %s', (engine) => {
  let server: TestServer;
  let scripts: CallScript[];
  const receiver = new WebhookReceiver('erasure-test-secret-0123456789');
  const db = () => server.services.db;

  async function call(scriptId: string, conversationId: string, key = server.keys.connector) {
    const connector = await connectIngest(server.wsUrl, key);
    await replayCall(
      connector,
      scripts.find((s) => s.id === scriptId)!,
      {
        conversationId,
        agentId: 'alice',
        turnGapMs: 0,
        interims: 0,
      },
    );
    connector.close();
    await server.services.pipeline.drain();
    return (await server.services.conversations.findByExternalId(
      key === server.keys.connector ? 'acme' : 'globex',
      conversationId,
    ))!.id;
  }

  async function count(sql: string, params: unknown[]): Promise<number> {
    const { rows } = await db().query<{ n: number }>(sql, params as string[]);
    return Number(rows[0]!.n);
  }

  /** Every table with a conversation_id or customer_id column, from the catalog. */
  async function tablesNamingConversations() {
    const { rows } = await db().query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_name IN ('conversation_id', 'customer_id')
        ORDER BY table_name, column_name`,
    );
    return rows;
  }

  /** Rows anywhere that still name one of `ids` or a customer id in `customerIds`. */
  async function rowsNaming(ids: string[], customerIds: string[]) {
    const left: Record<string, number> = {};
    for (const { table_name: table, column_name: column } of await tablesNamingConversations()) {
      const values = column === 'conversation_id' ? ids : customerIds;
      const n = await count(
        `SELECT count(*) AS n FROM ${table} WHERE ${column} = ANY($1::text[])`,
        [values],
      );
      if (n > 0) left[`${table}.${column}`] = n;
    }
    left['work_items.queue_key'] = await count(
      'SELECT count(*) AS n FROM work_items WHERE queue_key = ANY($1::text[])',
      [ids],
    );
    left['webhook_deliveries.body'] = await count(
      `SELECT count(*) AS n FROM webhook_deliveries
        WHERE body LIKE ANY (SELECT '%' || v || '%' FROM unnest($1::text[]) AS v)`,
      [[...ids, ...customerIds]],
    );
    return Object.fromEntries(Object.entries(left).filter(([, n]) => n > 0));
  }

  async function storedCustomerIdOf(id: string): Promise<string> {
    const { rows } = await db().query<{ customer_id: string }>(
      'SELECT customer_id FROM conversations WHERE id = $1',
      [id],
    );
    return rows[0]!.customer_id;
  }

  beforeAll(async () => {
    await receiver.start();
    server = await startTestServer({
      engine,
      defaultCapabilities: true,
      env: {
        CUECARD_ANALYZER_TIMEOUT_MS: '5000',
        CUECARD_WEBHOOKS_ALLOW_PRIVATE: 'true',
        CUECARD_WEBHOOK_POLL_MS: '50',
      },
    });
    scripts = await loadCallScripts(path.resolve('knowledge/demo-calls'));
    // acme stores customer ids as pseudonyms: the erasure has to find the stored form.
    await db().query(
      `UPDATE tenants SET settings = settings || '{"redactCustomerIds": true}'::jsonb WHERE id = 'acme'`,
    );
    const hook = await server.call('POST', '/api/webhooks', server.keys.admin, {
      url: receiver.url,
      events: ['conversation.ended', 'follow_up.created'],
      secret: receiver.secret,
    });
    expect(hook.statusCode).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await receiver.stop();
  });

  it("erases a customer's conversations and everything derived from them, and only those", async () => {
    // cust-1001 calls twice (the second is a repeat contact); cust-2002 once, in both tenants.
    const first = await call('demo-double-charge', 'first');
    const second = await call('demo-double-charge', 'second');
    const other = await call('demo-cancel-plan', 'other');
    const globex = await call('demo-cancel-plan', 'globex-call', server.keys.otherTenantConnector);
    const article = await server.call('POST', '/api/articles', server.keys.knowledgeManager, {
      title: 'Refunding a duplicate charge',
      body: 'A duplicate charge is refunded to the original card within 5 to 7 business days.',
      status: 'published',
    });
    const feedback = await server.call('POST', '/api/feedback', server.keys.agent, {
      suggestionId: 's-1',
      conversationId: first,
      kind: 'article',
      articleId: article.json().article.id,
      verdict: 'helpful',
    });
    expect(feedback.statusCode).toBe(200);
    const erased = [first, second];
    const stored = await storedCustomerIdOf(first);
    expect(stored).not.toBe('cust-1001');

    // Everything the pipeline derives exists before the erasure (else the test proves nothing).
    for (const table of [
      'conversation_items',
      'events',
      'wrapup_results',
      'follow_up_tasks',
      'case_vectors',
      'resolution_evidence',
      'analyzer_state',
    ]) {
      const n = await count(
        `SELECT count(*) AS n FROM ${table} WHERE conversation_id = ANY($1::text[])`,
        [erased],
      );
      expect(n, table).toBeGreaterThan(0);
    }
    // Every acme call's conversation.ended is queued (the fan-out reads the log in order, so
    // each call's follow_up.created before it): nothing more arrives for 'other' below.
    await expect
      .poll(
        () =>
          count(
            `SELECT count(*) AS n FROM webhook_deliveries
              WHERE tenant_id = 'acme' AND event_type = 'conversation.ended'`,
            [],
          ),
        { timeout: 15_000 },
      )
      .toBe(3);
    const otherBefore = await rowsNaming([other], [await storedCustomerIdOf(other)]);
    const globexBefore = await rowsNaming([globex], ['cust-2002']);

    const refused = await server.call('DELETE', '/api/customers/cust-1001', server.keys.supervisor);
    expect(refused.statusCode).toBe(403);
    const response = await server.call('DELETE', '/api/customers/cust-1001', server.keys.admin);
    expect(response.statusCode).toBe(200);
    const answer = response.json();
    expect(answer.conversations).toBe(2);
    expect(answer.removed).toMatchObject({ conversations: 2 });
    for (const kind of ['transcriptItems', 'events', 'wrapupResults', 'followUps', 'caseIndex'])
      expect(answer.removed[kind], kind).toBeGreaterThan(0);
    expect(answer.removed.resolutionEvidence).toBe(1);
    expect(answer.removed.webhookDeliveries).toBeGreaterThan(0);

    expect(await rowsNaming(erased, ['cust-1001', stored])).toEqual({});
    expect(await rowsNaming([other], [await storedCustomerIdOf(other)])).toEqual(otherBefore);
    expect(await rowsNaming([globex], ['cust-2002'])).toEqual(globexBefore);
    const history = await server.call('GET', '/api/customers/cust-1001/history', server.keys.admin);
    expect(history.statusCode).toBe(200);
    expect(JSON.stringify(history.json())).not.toContain(first);

    // The audit log says who erased how much, without the customer id itself.
    const audit = (await server.call('GET', '/api/audit', server.keys.admin)).json();
    expect(audit.entries[0]).toMatchObject({
      action: 'customer.erased',
      actor: { keyName: 'admin', keyId: expect.any(String) },
      subject: answer.auditSubject,
      counts: answer.removed,
    });
    expect(JSON.stringify(audit)).not.toContain('cust-1001');
    expect(JSON.stringify(audit)).not.toContain(stored);
    expect((await server.call('GET', '/api/audit', server.keys.supervisor)).statusCode).toBe(403);
    expect((await server.call('GET', '/api/audit', server.keys.otherTenantAdmin)).json()).toEqual({
      entries: [],
    });
    // Erasing again finds nothing and says so.
    const again = await server.call('DELETE', '/api/customers/cust-1001', server.keys.admin);
    expect(again.json()).toMatchObject({ conversations: 0, removed: { conversations: 0 } });
  }, 120_000);

  it("purges transcripts, events and wrap-ups older than the tenant's retention, in batches", async () => {
    const old = (await server.services.conversations.findByExternalId('acme', 'other'))!.id;
    const recent = await call('demo-double-charge', 'recent');
    const globex = (await server.services.conversations.findByExternalId('globex', 'globex-call'))!
      .id;
    const put = await server.call('PUT', '/api/retention', server.keys.admin, {
      transcriptsDays: 30,
      eventsDays: 60,
      wrapupsDays: 90,
    });
    expect(put.json()).toEqual({ transcriptsDays: 30, eventsDays: 60, wrapupsDays: 90 });
    expect(
      (await server.call('PUT', '/api/retention', server.keys.admin, { transcriptsDays: 0 }))
        .statusCode,
    ).toBe(400);
    // 'other' and globex's call happened 45 days ago: past the transcripts' 30 days only.
    for (const id of [old, globex]) {
      await db().query(
        `UPDATE conversations SET started_at = started_at - interval '45 days',
                ended_at = ended_at - interval '45 days' WHERE id = $1`,
        [id],
      );
      for (const table of ['events', 'wrapup_results', 'case_vectors'])
        await db().query(
          `UPDATE ${table} SET created_at = created_at - interval '45 days' WHERE conversation_id = $1`,
          [id],
        );
    }
    const items = (id: string) =>
      count('SELECT count(*) AS n FROM conversation_items WHERE conversation_id = $1', [id]);
    const events = (id: string) =>
      count('SELECT count(*) AS n FROM events WHERE conversation_id = $1', [id]);
    const oldEvents = await events(old);
    const oldItems = await items(old);
    expect(oldItems).toBeGreaterThan(4);

    // Batches of 3 rows, as two instances would run them side by side.
    const audit = createAuditLog(db());
    const purges = [1, 2].map(() => createRetentionPurge({ db: db(), audit, batchSize: 3 }));
    const reports = await Promise.all(purges.map((purge) => purge()));
    const removedItems = reports.reduce((sum, r) => sum + (r['acme']?.transcriptItems ?? 0), 0);
    expect(removedItems).toBe(oldItems);
    expect(reports.every((r) => r['globex'] === undefined)).toBe(true);

    expect(await items(old)).toBe(0);
    expect(await events(old)).toBe(oldEvents); // 45 days < 60
    expect(await items(recent)).toBeGreaterThan(0);
    expect(await items(globex)).toBeGreaterThan(0); // globex keeps everything
    // The conversation and its wrap-up stay: only the transcript was due.
    const wrapup = await server.call('GET', `/api/conversations/${old}/summary`, server.keys.admin);
    expect(wrapup.statusCode).toBe(200);

    // Twenty days on, the events are past their 60 days too; the wrap-up (90) stays.
    await db().query(
      `UPDATE events SET created_at = created_at - interval '20 days' WHERE conversation_id = $1`,
      [old],
    );
    expect((await server.services.privacy.purgeRetention())['acme']).toEqual({
      events: oldEvents,
    });
    const entries = (await server.call('GET', '/api/audit', server.keys.admin)).json().entries;
    expect(entries[0]).toMatchObject({
      action: 'retention.purged',
      actor: { keyId: null, keyName: 'retention' },
      counts: { events: oldEvents },
    });
    expect(entries.map((e: { action: string }) => e.action)).toContain('retention.changed');
    expect(await events(recent)).toBeGreaterThan(0);
  }, 120_000);

  it('purges QA scores with their overrides, follow-ups and webhook deliveries with the wrap-ups and events they came from', async () => {
    const aged = await call('demo-double-charge', 'aged');
    const kept = (await server.services.conversations.findByExternalId('acme', 'recent'))!.id;
    const override = await server.call(
      'POST',
      `/api/qa/conversations/${aged}/overrides`,
      server.keys.supervisor,
      { criterionId: 'greeting', score: 0, comment: '没有说公司名称' },
    );
    expect(override.statusCode).toBe(200);
    const deliveries = (id: string) =>
      count(
        `SELECT count(*) AS n FROM webhook_deliveries
          WHERE tenant_id = 'acme' AND body LIKE '%' || $1 || '%' AND status <> 'pending'`,
        [id],
      );
    // Its conversation.ended and one follow_up.created per task went out, all of them (or the
    // test proves nothing, or counts one that is sent between its count and the purge).
    const tasks = await count(
      'SELECT count(*) AS n FROM follow_up_tasks WHERE conversation_id = $1',
      [aged],
    );
    expect(tasks).toBeGreaterThan(0);
    await expect.poll(() => deliveries(aged), { timeout: 30_000 }).toBe(1 + tasks);
    const rows = async (id: string) => ({
      qa_scores: await count('SELECT count(*) AS n FROM qa_scores WHERE conversation_id = $1', [
        id,
      ]),
      qa_overrides: await count(
        'SELECT count(*) AS n FROM qa_overrides WHERE conversation_id = $1',
        [id],
      ),
      follow_up_tasks: await count(
        'SELECT count(*) AS n FROM follow_up_tasks WHERE conversation_id = $1',
        [id],
      ),
      webhook_deliveries: await deliveries(id),
    });
    const before = await rows(aged);
    expect(Object.values(before).every((n) => n > 0)).toBe(true);
    const keptBefore = await rows(kept);

    await server.call('PUT', '/api/retention', server.keys.admin, {
      transcriptsDays: 30,
      eventsDays: 60,
      wrapupsDays: 90,
    });
    // A hundred days on for this call only: past every kind's limit.
    await db().query(
      `UPDATE conversations SET started_at = started_at - interval '100 days',
              ended_at = ended_at - interval '100 days' WHERE id = $1`,
      [aged],
    );
    for (const table of [
      'events',
      'wrapup_results',
      'case_vectors',
      'qa_scores',
      'qa_overrides',
      'follow_up_tasks',
    ])
      await db().query(
        `UPDATE ${table} SET created_at = created_at - interval '100 days' WHERE conversation_id = $1`,
        [aged],
      );
    await db().query(
      `UPDATE webhook_deliveries SET created_at = created_at - interval '100 days'
        WHERE body LIKE '%' || $1 || '%'`,
      [aged],
    );

    const report = (await server.services.privacy.purgeRetention())['acme'];
    expect(report).toMatchObject({
      qaScores: before.qa_scores,
      qaOverrides: before.qa_overrides,
      followUps: before.follow_up_tasks,
      webhookDeliveries: before.webhook_deliveries,
    });
    expect(await rows(aged)).toEqual({
      qa_scores: 0,
      qa_overrides: 0,
      follow_up_tasks: 0,
      webhook_deliveries: 0,
    });
    expect(await rows(kept)).toEqual(keptBefore);
    // The QA list no longer offers the purged call's review.
    const detail = await server.call(
      'GET',
      `/api/qa/conversations/${aged}`,
      server.keys.supervisor,
    );
    expect(JSON.stringify(detail.json())).not.toContain('没有说公司名称');
    const entries = (await server.call('GET', '/api/audit', server.keys.admin)).json().entries;
    expect(entries[0]).toMatchObject({ action: 'retention.purged', counts: report });
  }, 120_000);
});
