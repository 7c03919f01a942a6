import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCallScripts } from '../src/cli/replay/call-script.js';
import { replayCall } from '../src/cli/replay/replay-call.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import { engines } from './support/test-database.js';
import { loadKnowledgeBaseIfEmpty } from '../src/knowledge/ingest.js';
import {
  createDispositionService,
  dispositionText,
} from '../src/wrap-up/disposition/disposition-service.js';
import { loadDispositionCodeSet } from '../src/wrap-up/disposition/code-set.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe.each(engines)('QA review on %s', (engine) => {
  let server: TestServer;
  let conversationId: string;
  const call: TestServer['call'] = (...args) => server.call(...args);

  beforeAll(async () => {
    server = await startTestServer({
      engine,
      defaultCapabilities: true,
      // Every turn analysed in full, whatever the machine's load: the test asserts what it shows.
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '5000', CUECARD_LOAD_SHEDDING: 'false' },
    });
    const [script] = (await loadCallScripts(path.resolve('knowledge/demo-calls'))).filter(
      (s) => s.id === 'demo-double-charge',
    );
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await replayCall(connector, script!, {
      conversationId: 'qa-call',
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
    });
    connector.close();
    await server.services.pipeline.drain();
    conversationId = (await server.services.conversations.findByExternalId('acme', 'qa-call'))!.id;
  });
  afterAll(async () => server?.close());

  it('lists the finished call with its QA score, suggested disposition and churn risk, and filters', async () => {
    const list = (await call('GET', '/api/qa/conversations', server.keys.supervisor)).json();
    expect(list.total).toBe(1);
    const row = list.conversations[0];
    expect(row).toMatchObject({
      id: conversationId,
      agentId: 'alice',
      reviewed: false,
      reviewedScore: null,
      reviewers: [],
    });
    expect(row.qaScore).toBeGreaterThan(0);
    expect(row.churnRisk).toBeGreaterThan(0);
    expect(typeof row.suggestedDisposition).toBe('string');
    expect(row.summary.length).toBeGreaterThan(20);
    expect(
      (await call('GET', '/api/qa/conversations?minScore=1.01', server.keys.supervisor)).statusCode,
    ).toBe(400);
    expect(
      (await call('GET', `/api/qa/conversations?agentId=bob`, server.keys.supervisor)).json().total,
    ).toBe(0);
    expect(
      (await call('GET', `/api/qa/conversations?minChurnRisk=0.99`, server.keys.supervisor)).json()
        .total,
    ).toBe(0);
    expect((await call('GET', '/api/qa/conversations', server.keys.agent)).statusCode).toBe(403);
    expect(
      (await call('GET', '/api/qa/conversations', server.keys.otherTenantAdmin)).json().total,
    ).toBe(0);
  });

  it('shows the scorecard with evidence turns, the summary, churn reasons and a sentiment timeline', async () => {
    const detail = (
      await call('GET', `/api/qa/conversations/${conversationId}`, server.keys.supervisor)
    ).json();
    expect(detail.transcript.length).toBe(13);
    const greeting = detail.scorecard.find(
      (c: { criterionId: string }) => c.criterionId === 'greeting',
    );
    expect(greeting).toMatchObject({ autoScore: 1, override: null });
    expect(greeting.evidence).toContain(1);
    expect(detail.reviewedOverall).toBe(detail.wrapup.qa.overall);
    expect(detail.wrapup.summary.narrative).toBeTruthy();
    expect(detail.wrapup.churn.reasons.length).toBeGreaterThan(0);
    expect(detail.sentimentTimeline.length).toBe(11);
    expect(detail.transcript.some((t: { text?: string }) => t.text?.includes('[EMAIL]'))).toBe(
      true,
    );
  });

  it('keeps a reviewer override with its comment beside the automatic score, and reports agreement', async () => {
    const overridden = await call(
      'POST',
      `/api/qa/conversations/${conversationId}/overrides`,
      server.keys.supervisor,
      {
        criterionId: 'greeting',
        score: 0,
        comment: 'Greeting skipped the company name',
      },
    );
    expect(overridden.statusCode).toBe(200);
    await call(
      'POST',
      `/api/qa/conversations/${conversationId}/overrides`,
      server.keys.supervisor,
      { criterionId: 'closing', score: 1, comment: '' },
    );
    // After a "reload", the override is there and the automatic score is unchanged.
    const detail = (
      await call('GET', `/api/qa/conversations/${conversationId}`, server.keys.supervisor)
    ).json();
    const greeting = detail.scorecard.find(
      (c: { criterionId: string }) => c.criterionId === 'greeting',
    );
    expect(greeting).toMatchObject({
      autoScore: 1,
      override: { score: 0, comment: 'Greeting skipped the company name' },
      weight: 1,
    });
    // Who reviewed it reads as the key's label, not as an id like "k_da576f2c".
    expect(greeting.override.reviewer).toBe('supervisor');
    // The reviewed score puts the reviewers' verdicts in place of the automatic ones; the
    // automatic overall stays as it was.
    type Row = { criterionId: string; autoScore: number | null; weight: number };
    const rows: Row[] = detail.scorecard;
    // Weights come from the scorecard version the call was scored with (default: 3 for identity).
    expect(rows.find((c) => c.criterionId === 'identity_verified')?.weight).toBe(3);
    const closing = rows.find((c) => c.criterionId === 'closing')!;
    const total = rows.reduce((sum, c) => sum + (c.autoScore === null ? 0 : c.weight), 0);
    expect(detail.reviewedOverall).toBeCloseTo(
      detail.wrapup.qa.overall + (-1 + closing.weight * (1 - (closing.autoScore ?? 1))) / total,
    );
    expect(detail.reviewedOverall).toBeLessThan(detail.wrapup.qa.overall);
    const agreement = (await call('GET', '/api/qa/agreement', server.keys.supervisor)).json();
    expect(agreement).toMatchObject({
      reviewed: 2,
      byCriterion: { greeting: { reviewed: 1, agreed: 0 } },
    });
    // The list shows the reviewed score (the detail's figure), the automatic one kept beside it.
    const listed = (await call('GET', '/api/qa/conversations', server.keys.supervisor)).json()
      .conversations[0];
    expect(listed).toMatchObject({
      reviewed: true,
      qaScore: detail.wrapup.qa.overall,
      reviewers: ['supervisor'],
    });
    expect(listed.reviewedScore).toBeCloseTo(detail.reviewedOverall);
    expect(listed.reviewedScore).toBeLessThan(listed.qaScore);

    const unknown = await call(
      'POST',
      `/api/qa/conversations/${conversationId}/overrides`,
      server.keys.supervisor,
      { criterionId: 'charisma', score: 1 },
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'not_found', field: 'criterionId' });
    const badScore = await call(
      'POST',
      `/api/qa/conversations/${conversationId}/overrides`,
      server.keys.supervisor,
      { criterionId: 'greeting', score: 5 },
    );
    expect(badScore.statusCode).toBe(400);
  });

  it('versions scorecards per tenant; the next conversation is scored with the new version', async () => {
    const current = (await call('GET', '/api/scorecards', server.keys.supervisor)).json();
    expect(current.current).toMatchObject({ id: 'default', version: 1 });
    const bad = await call('PUT', '/api/scorecards', server.keys.supervisor, {
      id: 'default',
      name: 'x',
      criteria: [{ id: 'c', check: 'charm' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('criteria.0.check');
    const saved = (
      await call('PUT', '/api/scorecards', server.keys.supervisor, {
        id: 'default',
        name: 'Lean',
        criteria: [
          { id: 'greeting', check: 'greeting', weight: 1 },
          { id: 'closing', check: 'closing', weight: 2 },
        ],
      })
    ).json();
    expect(saved.scorecard).toMatchObject({ version: 2, name: 'Lean' });
    const [script] = (await loadCallScripts(path.resolve('knowledge/demo-calls'))).filter(
      (s) => s.id === 'demo-cancel-plan',
    );
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await replayCall(connector, script!, {
      conversationId: 'qa-call-2',
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
    });
    connector.close();
    await server.services.pipeline.drain();
    const id = (await server.services.conversations.findByExternalId('acme', 'qa-call-2'))!.id;
    const detail = (
      await call('GET', `/api/qa/conversations/${id}`, server.keys.supervisor)
    ).json();
    expect(
      detail.scorecard.map((c: { criterionId: string; scorecardVersion: number }) => [
        c.criterionId,
        c.scorecardVersion,
      ]),
    ).toEqual([
      ['closing', 2],
      ['greeting', 2],
    ]);
    // The earlier conversation keeps the version it was scored with.
    const earlier = (
      await call('GET', `/api/qa/conversations/${conversationId}`, server.keys.supervisor)
    ).json();
    expect(
      earlier.scorecard.every((c: { scorecardVersion: number }) => c.scorecardVersion === 1),
    ).toBe(true);
    expect(
      (await call('GET', '/api/scorecards', server.keys.otherTenantAdmin)).json().current.version,
    ).toBe(1);
    expect((await call('PUT', '/api/scorecards', server.keys.agent, { id: 'x' })).statusCode).toBe(
      403,
    );
  });

  it("records the agent's wrap-up code and learns from it, also after a restart", async () => {
    const text = dispositionText(await server.services.conversations.items(conversationId));
    const before = await server.services.dispositions!.suggest('acme', text);
    // The default code set already reads a double charge as a refund; this tenant's agents file
    // such calls differently, and the suggestion must follow them.
    const corrected = before.code === 'billing_question' ? 'complaint' : 'billing_question';
    const confirmed = await call(
      'POST',
      `/api/conversations/${conversationId}/disposition`,
      server.keys.agent,
      { code: corrected },
    );
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ code: corrected });
    const list = (
      await call('GET', `/api/qa/conversations?disposition=${corrected}`, server.keys.supervisor)
    ).json();
    expect(list.total).toBe(1);
    expect(
      (
        await call(
          'POST',
          `/api/conversations/${conversationId}/disposition`,
          server.keys.otherAgent,
          { code: 'x' },
        )
      ).statusCode,
    ).toBe(404);
    expect((await server.services.dispositions!.suggest('acme', text)).code).toBe(corrected);
    // A fresh process reads the confirmations back from the database.
    const codeSet = await loadDispositionCodeSet(
      path.resolve('knowledge/dispositions/default.yaml'),
    );
    const restarted = createDispositionService(server.services.db, codeSet);
    expect((await restarted.suggest('acme', text)).code).toBe(corrected);
    expect((await restarted.suggest('globex', text)).code).toBe(before.code);
  });
});

describe('QA "accurate information" with the knowledge base', () => {
  let server: TestServer;
  afterAll(async () => server?.close());

  it('checks what the agent said against the article cards that were shown', async () => {
    server = await startTestServer({
      defaultCapabilities: true,
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000' },
    });
    await loadKnowledgeBaseIfEmpty(
      server.services.knowledge!,
      'acme',
      path.resolve('knowledge/articles'),
    );
    const [script] = (await loadCallScripts(path.resolve('knowledge/demo-calls'))).filter(
      (s) => s.id === 'demo-double-charge',
    );
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await replayCall(connector, script!, {
      conversationId: 'kb-call',
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
    });
    connector.close();
    await server.services.pipeline.drain();
    const id = (await server.services.conversations.findByExternalId('acme', 'kb-call'))!.id;
    const detail = (
      await server.app.inject({
        method: 'GET',
        url: `/api/qa/conversations/${id}`,
        headers: { authorization: `Bearer ${server.keys.supervisor}` },
      })
    ).json();
    const accurate = detail.scorecard.find(
      (c: { criterionId: string }) => c.criterionId === 'accurate_information',
    );
    expect(accurate.note).not.toBe('no knowledge articles were shown');
    expect(accurate.autoScore).not.toBeNull();
  });
});
