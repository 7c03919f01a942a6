import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCallScripts } from '../src/cli/replay/call-script.js';
import { replayCall } from '../src/cli/replay/replay-call.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import { engines } from './support/test-database.js';
import { startTestServer, useDefaultServer, type TestServer } from './support/test-server.js';

describe.each(engines)(
  'follow-ups, repeat contacts and first-contact resolution on %s',
  (engine) => {
    let server: TestServer;
    const get = (url: string, key: string) => server.call('GET', url, key);

    beforeAll(async () => {
      server = await startTestServer({
        engine,
        defaultCapabilities: true,
        env: { CUECARD_ANALYZER_TIMEOUT_MS: '5000' },
      });
      const scripts = await loadCallScripts(path.resolve('knowledge/demo-calls'));
      const doubleCharge = scripts.find((s) => s.id === 'demo-double-charge')!;
      const cancel = scripts.find((s) => s.id === 'demo-cancel-plan')!;
      const connector = await connectIngest(server.wsUrl, server.keys.connector);
      // The same customer calls twice about the same problem; another customer calls once.
      await replayCall(connector, doubleCharge, {
        conversationId: 'first',
        agentId: 'alice',
        turnGapMs: 0,
        interims: 0,
      });
      await server.services.pipeline.drain();
      await replayCall(connector, doubleCharge, {
        conversationId: 'second',
        agentId: 'bob',
        turnGapMs: 0,
        interims: 0,
      });
      await replayCall(connector, cancel, {
        conversationId: 'other',
        agentId: 'alice',
        turnGapMs: 0,
        interims: 0,
      });
      connector.close();
      await server.services.pipeline.drain();
    });
    afterAll(async () => server?.close());

    it("turns the agent's commitments into follow-up tasks with due times and drafted messages", async () => {
      const tasks = (await get('/api/follow-ups?status=open', server.keys.agent)).json().tasks;
      const first = (await server.services.conversations.findByExternalId('acme', 'first'))!;
      const mine = tasks.filter((t: { conversationId: string }) => t.conversationId === first.id);
      expect(mine.map((t: { kind: string }) => t.kind)).toEqual(
        expect.arrayContaining(['callback', 'refund']),
      );
      const callback = mine.find((t: { kind: string }) => t.kind === 'callback');
      expect(new Date(callback.dueAt).getUTCDay()).toBe(4); // "I'll call you back on Thursday"
      expect(callback.draftMessage.length).toBeGreaterThan(20);
      // Agents see only their own tasks; bob's copy of the call is not in alice's list.
      const second = (await server.services.conversations.findByExternalId('acme', 'second'))!;
      expect(tasks.some((t: { conversationId: string }) => t.conversationId === second.id)).toBe(
        false,
      );
      const done = await server.call('PATCH', `/api/follow-ups/${callback.id}`, server.keys.agent, {
        status: 'done',
      });
      expect(done.json()).toMatchObject({ id: callback.id, status: 'done' });
      const bobs = (
        await get(`/api/follow-ups?conversationId=${second.id}`, server.keys.supervisor)
      ).json().tasks;
      const notMine = await server.call(
        'PATCH',
        `/api/follow-ups/${bobs[0].id}`,
        server.keys.agent,
        { status: 'done' },
      );
      expect(notMine.statusCode).toBe(404);
    });

    it('marks the earlier conversation as not resolved on first contact and reports FCR by agent', async () => {
      const first = (await server.services.conversations.findByExternalId('acme', 'first'))!;
      const second = (await server.services.conversations.findByExternalId('acme', 'second'))!;
      expect(first.metadata).toMatchObject({ firstContactResolved: false, repeatedBy: second.id });
      expect(second.metadata).toMatchObject({ repeatContact: true, repeats: first.id });
      // The topic is what the call is about (a duplicate charge), not the customer's passing
      // threat to cancel in a later turn; the cancellation call keeps its own topic.
      expect(first.metadata).toMatchObject({ topic: 'billing_dispute' });
      const other = (await server.services.conversations.findByExternalId('acme', 'other'))!;
      expect(other.metadata).toMatchObject({ topic: 'cancel_subscription' });
      const report = (await get('/api/reports/fcr?groupBy=agent', server.keys.supervisor)).json();
      expect(report.overall).toMatchObject({ conversations: 3, resolvedFirstTime: 2 });
      const alice = report.groups.find((g: { group: string }) => g.group === 'alice');
      expect(alice).toMatchObject({ conversations: 2, resolvedFirstTime: 1, rate: 0.5 });
      expect((await get('/api/reports/fcr', server.keys.agent)).statusCode).toBe(403);
      // The repeat contact raises the second conversation's churn risk with a stated reason.
      const detail = (
        await get(`/api/qa/conversations/${second.id}`, server.keys.supervisor)
      ).json();
      expect(detail.wrapup.churn.reasons.map((r: { attribute: string }) => r.attribute)).toContain(
        'conversation.repeatContact',
      );
    });
  },
);

describe('on-demand summary', () => {
  let server: TestServer;
  useDefaultServer((started) => (server = started), { analyzerTimeoutMs: 5_000 });

  it('summarizes a live call so far, for a transfer, and only for keys that may read it', async () => {
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await connector.request({
      type: 'open',
      conversationId: 'live-1',
      channel: 'voice',
      agentId: 'alice',
    });
    const turns: Array<[string, string]> = [
      ['customer', 'Hi, my internet has been down since this morning and I work from home.'],
      [
        'agent',
        'I am sorry about that. I see an outage in your area; engineers expect it fixed by 6pm today.',
      ],
      ['customer', 'Okay, can I get a credit for the lost day?'],
    ];
    for (const [i, [speaker, text]] of turns.entries()) {
      await connector.request({
        type: 'utterance',
        conversationId: 'live-1',
        seq: i + 1,
        speaker,
        text,
        final: true,
      });
    }
    connector.close();
    const summary = await server.app.inject({
      method: 'GET',
      url: '/api/conversations/live-1/summary',
      headers: { authorization: `Bearer ${server.keys.agent}` },
    });
    expect(summary.statusCode).toBe(200);
    const body = summary.json();
    expect(body).toMatchObject({ status: 'active', throughSeq: 3 });
    expect(body.reason.toLowerCase()).toMatch(/internet|down/);
    expect(body.narrative.length).toBeGreaterThan(20);
    const other = await server.app.inject({
      method: 'GET',
      url: '/api/conversations/live-1/summary',
      headers: { authorization: `Bearer ${server.keys.otherAgent}` },
    });
    expect(other.statusCode).toBe(404);
  });
});
