import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCallScripts, type CallScript } from '../../cli/replay/call-script.js';
import { replayCall, type IngestSocket } from '../../cli/replay/replay-call.js';
import { connectIngest } from '../../cli/replay/ingest-client.js';
import { startTestServer, type TestServer } from '../../../test/support/test-server.js';
import {
  confirmedDispositions,
  saveDispositionConfirmation,
} from '../../wrap-up/disposition/disposition-store.js';
import { reconcileConfirmedDisposition } from '../../wrap-up/disposition/confirm-disposition.js';
import type { QaResult } from '../../wrap-up/qa/auto-qa.js';

/**
 * Issue 21, end to end through a real conversation: the agent ticks and skips playbook steps
 * mid-call, then at wrap-up edits the summary, confirms a code and decides on follow-ups.
 */
describe('the agent’s wrap-up and playbook steps', () => {
  let server: TestServer;
  let connector: IngestSocket & { close(): void };
  let script: CallScript;
  let conversationId: string;
  const externalId = 'wrapup-call';

  /** Plays the script's turns from `from` (1-based seq of the first) to `to`, no end. */
  async function playTurns(from: number, to: number): Promise<void> {
    for (let seq = from; seq <= to; seq++) {
      const turn = script.turns[seq - 1]!;
      const reply = await connector.request(
        'action' in turn
          ? {
              type: 'action',
              conversationId: externalId,
              seq,
              action: turn.action,
              data: turn.data,
            }
          : {
              type: 'utterance',
              conversationId: externalId,
              seq,
              speaker: turn.speaker,
              text: turn.text,
              final: true,
            },
      );
      expect(reply.type).not.toBe('error');
    }
    await server.services.pipeline.drain();
  }

  const playbookResults = async () =>
    (await server.services.eventLog.analyses({ tenantId: 'acme', conversationId }, 'playbook')).map(
      (analysis) => analysis.result,
    );

  beforeAll(async () => {
    server = await startTestServer({
      defaultCapabilities: true,
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '5000', CUECARD_LOAD_SHEDDING: 'false' },
    });
    [script] = (await loadCallScripts(path.resolve('knowledge/demo-calls'))).filter(
      (s) => s.id === 'demo-double-charge',
    ) as [CallScript];
    connector = await connectIngest(server.wsUrl, server.keys.connector);
    // Greeting and the customer's complaint: the billing playbook is chosen, nothing done yet.
    await replayCall(connector, script, {
      conversationId: externalId,
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
      turns: 2,
    });
    await server.services.pipeline.drain();
    conversationId = (await server.services.conversations.findByExternalId('acme', externalId))!.id;
  });
  afterAll(async () => {
    connector?.close();
    await server?.close();
  });

  it('counts a ticked or skipped step as done on later turns, and records who marked it', async () => {
    const before = (await playbookResults()).at(-1)!;
    expect(before.playbookId).toBe('billing-dispute');
    const [first, second] = before.steps.filter((step) => step.status === 'remaining');
    expect(first && second).toBeTruthy();
    const mark = (stepId: string, outcome: string, key = server.keys.agent) =>
      server.call('POST', `/api/conversations/${conversationId}/playbook-steps`, key, {
        stepId,
        outcome,
      });
    expect((await mark(first!.id, 'done')).json().mark).toMatchObject({
      stepId: first!.id,
      outcome: 'done',
    });
    expect((await mark(second!.id, 'skipped')).statusCode).toBe(200);
    const wrong = await mark('no-such-step', 'done');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.field).toBe('stepId');
    expect((await mark(first!.id, 'maybe')).statusCode).toBe(400);
    expect((await mark(first!.id, 'done', server.keys.otherAgent)).statusCode).toBe(404);
    expect((await mark(first!.id, 'done', server.keys.knowledgeManager)).statusCode).toBe(403);

    // The customer's next turn: the analyzer reads the marks from the conversation.
    await playTurns(3, 3);
    const after = (await playbookResults()).at(-1)!;
    const status = new Map(after.steps.map((step) => [step.id, step.status]));
    expect(status.get(first!.id)).toBe('done');
    expect(status.get(second!.id)).toBe('skipped');
    expect(after.skipped).toEqual([second!.id]);
    expect([first!.id, second!.id]).not.toContain(after.nextStepId);

    // The conversation's record holds the marks (QA and supervisors see them).
    const detail = (
      await server.call('GET', `/api/conversations/${conversationId}`, server.keys.supervisor)
    ).json();
    const marks = detail.events.filter((event: { type: string }) => event.type === 'playbook-step');
    expect(marks.map((event: { mark: { stepId: string } }) => event.mark.stepId)).toEqual([
      first!.id,
      second!.id,
    ]);
    const wrapup = (
      await server.call('GET', `/api/conversations/${conversationId}/wrap-up`, server.keys.agent)
    ).json();
    expect(wrapup.playbookSteps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stepId: first!.id, outcome: 'done', by: expect.any(String) }),
        expect.objectContaining({ stepId: second!.id, outcome: 'skipped' }),
      ]),
    );
  });

  it('keeps a mark in its event alone: the conversation record is not written, and metadata sent at open marks nothing', async () => {
    // One write per mark: nothing beside the event that a crash could leave disagreeing.
    const record = await server.services.conversations.findByExternalId('acme', externalId);
    expect(record!.metadata).not.toHaveProperty('playbookSteps');

    // A connector's open metadata in the shape the marks once had ticks no step.
    const forgedId = 'forged-marks-call';
    const before = (await playbookResults()).at(-1)!;
    const forged = Object.fromEntries(
      before.steps.map((step) => [
        step.id,
        { playbookId: before.playbookId, stepId: step.id, outcome: 'done', by: 'x', at: 'now' },
      ]),
    );
    const opened = await connector.request({
      type: 'open',
      conversationId: forgedId,
      channel: 'voice',
      agentId: 'alice',
      metadata: { playbookSteps: forged },
    });
    expect(opened.type).not.toBe('error');
    for (const [index, turn] of script.turns.slice(0, 2).entries()) {
      if ('action' in turn) continue;
      const reply = await connector.request({
        type: 'utterance',
        conversationId: forgedId,
        seq: index + 1,
        speaker: turn.speaker,
        text: turn.text,
        final: true,
      });
      expect(reply.type).not.toBe('error');
    }
    await server.services.pipeline.drain();
    const forgedConversation = await server.services.conversations.findByExternalId(
      'acme',
      forgedId,
    );
    const results = await server.services.eventLog.analyses(
      { tenantId: 'acme', conversationId: forgedConversation!.id },
      'playbook',
    );
    const latest = results.at(-1)!.result;
    expect(latest.playbookId).toBe('billing-dispute');
    expect(latest.steps.filter((step) => step.status === 'remaining').length).toBeGreaterThan(1);
    const wrapup = (
      await server.call(
        'GET',
        `/api/conversations/${forgedConversation!.id}/wrap-up`,
        server.keys.agent,
      )
    ).json();
    expect(wrapup.playbookSteps).toEqual([]);
  });

  it('saves the agent’s summary beside the generated one, only once the call has ended', async () => {
    const early = await server.call(
      'PUT',
      `/api/conversations/${conversationId}/summary`,
      server.keys.agent,
      { text: 'Too early' },
    );
    expect(early.statusCode).toBe(409);

    await playTurns(4, script.turns.length);
    await connector.request({ type: 'end', conversationId: externalId });
    await server.services.pipeline.drain();

    const put = (key: string, text: unknown) =>
      server.call('PUT', `/api/conversations/${conversationId}/summary`, key, { text });
    const blank = await put(server.keys.agent, '   ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.field).toBe('text');
    expect((await put(server.keys.otherAgent, 'x')).statusCode).toBe(404);
    const text = 'Refunded the duplicate $24.99 charge; callback Thursday to confirm.';
    const saved = await put(server.keys.agent, text);
    expect(saved.statusCode).toBe(200);
    expect(saved.json().agentEdit).toMatchObject({ text, editedBy: expect.any(String) });

    const summary = (
      await server.call('GET', `/api/conversations/${conversationId}/summary`, server.keys.agent)
    ).json();
    expect(summary.agentEdit.text).toBe(text);
    expect(summary.narrative).not.toBe(text);
    const review = (
      await server.call('GET', `/api/qa/conversations/${conversationId}`, server.keys.supervisor)
    ).json();
    expect(review.wrapup.summary.agentEdit.text).toBe(text);
    expect(review.wrapup.summary.narrative.length).toBeGreaterThan(20);
    const row = (await server.call('GET', '/api/qa/conversations', server.keys.supervisor))
      .json()
      .conversations.find((entry: { id: string }) => entry.id === conversationId);
    expect(row).toMatchObject({ summary: text, summaryEdited: true });
  });

  it('scores QA’s "correct disposition" once the agent confirms the code, and learns it', async () => {
    const criterion = async () =>
      (await server.call('GET', `/api/qa/conversations/${conversationId}`, server.keys.supervisor))
        .json()
        .scorecard.find(
          (entry: { criterionId: string }) => entry.criterionId === 'correct_disposition',
        );
    expect((await criterion()).autoScore).toBeNull();

    const confirm = (code: string, key = server.keys.agent) =>
      server.call('POST', `/api/conversations/${conversationId}/disposition`, key, { code });
    const unknown = await confirm('not_a_code');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.field).toBe('code');
    expect((await confirm('complaint', server.keys.knowledgeManager)).statusCode).toBe(403);

    const { suggested, codes } = await (async () => {
      const wrapup = (
        await server.call('GET', `/api/conversations/${conversationId}/wrap-up`, server.keys.agent)
      ).json();
      const review = (
        await server.call('GET', `/api/qa/conversations/${conversationId}`, server.keys.supervisor)
      ).json();
      return {
        suggested: review.wrapup.disposition.suggested as string,
        codes: wrapup.disposition.codes as { code: string }[],
      };
    })();
    expect(codes.map((entry) => entry.code)).toContain(suggested);
    const before = (
      await server.call('GET', `/api/conversations/${conversationId}/wrap-up`, server.keys.agent)
    ).json().qa as QaResult;
    const scoredCriteria = (qa: QaResult) =>
      qa.criteria.filter((entry) => entry.score !== null).map((entry) => entry.criterionId);
    expect(scoredCriteria(before)).not.toContain('correct_disposition');
    const confirmed = (await confirm(suggested)).json();
    expect(confirmed).toMatchObject({ code: suggested, agreed: true });
    // The answer carries the rescored QA, so the agent's figure can change at once.
    expect(new Set(scoredCriteria(confirmed.qa))).toEqual(
      new Set([...scoredCriteria(before), 'correct_disposition']),
    );
    expect(await criterion()).toMatchObject({ autoScore: 1 });
    // The code is training data for the tenant's classifier from now on.
    expect(await confirmedDispositions(server.services.db, 'acme')).toEqual([
      expect.objectContaining({ code: suggested }),
    ]);
    const wrapup = (
      await server.call('GET', `/api/conversations/${conversationId}/wrap-up`, server.keys.agent)
    ).json();
    expect(wrapup.disposition.confirmed).toBe(suggested);
    // Read back after a reload: the stored QA is the rescored one.
    expect(wrapup.qa).toEqual(confirmed.qa);
  });

  it('lets the agent change, accept or dismiss follow-ups, and supervisors see the decisions', async () => {
    const { followUps } = (
      await server.call('GET', `/api/conversations/${conversationId}/wrap-up`, server.keys.agent)
    ).json() as { followUps: { id: number; draftMessage: string; decision: string | null }[] };
    expect(followUps.length).toBeGreaterThan(0);
    const task = followUps[0]!;
    expect(task.decision).toBeNull();
    const patch = (body: unknown, key = server.keys.agent) =>
      server.call('PATCH', `/api/follow-ups/${task.id}`, key, body);

    const mixed = await patch({ decision: 'accepted', draftMessage: 'x' });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error.field).toBe('decision');
    expect((await patch({})).json().error.field).toBe('status');
    expect((await patch({ dueAt: 'next Thursday' })).statusCode).toBe(400);
    expect((await patch({ decision: 'accepted' }, server.keys.otherAgent)).statusCode).toBe(404);

    const dueAt = '2026-12-10T15:00:00.000Z';
    const changed = await patch({ draftMessage: 'Call Dana about the refund', dueAt });
    expect(changed.json()).toMatchObject({
      decision: 'changed',
      draftMessage: 'Call Dana about the refund',
      dueAt,
      status: 'open',
    });
    const seen = (
      await server.call(
        'GET',
        `/api/follow-ups?conversationId=${conversationId}`,
        server.keys.supervisor,
      )
    ).json().tasks as { id: number; decision: string; decidedBy: string }[];
    expect(seen.find((entry) => entry.id === task.id)).toMatchObject({
      decision: 'changed',
      decidedBy: expect.any(String),
    });
    const dismissed = await patch({ decision: 'dismissed' });
    expect(dismissed.json()).toMatchObject({ decision: 'dismissed', status: 'cancelled' });
  });

  it('scores the code the agent confirms while the wrap-up is still running', async () => {
    // The console offers the code as soon as the disposition step is published, before QA runs.
    const early = 'wrapup-call-early';
    await replayCall(
      connector,
      { ...script },
      {
        conversationId: early,
        agentId: 'alice',
        turnGapMs: 0,
        interims: 0,
        turns: script.turns.length - 1,
      },
    );
    await server.services.pipeline.drain();
    const id = (await server.services.conversations.findByExternalId('acme', early))!.id;
    await connector.request({ type: 'end', conversationId: early });
    const confirmed = await server.call(
      'POST',
      `/api/conversations/${id}/disposition`,
      server.keys.agent,
      { code: 'refund_issued' },
    );
    expect(confirmed.statusCode).toBe(200);
    await server.services.pipeline.drain();
    const review = (
      await server.call('GET', `/api/qa/conversations/${id}`, server.keys.supervisor)
    ).json();
    const criterion = review.scorecard.find(
      (entry: { criterionId: string }) => entry.criterionId === 'correct_disposition',
    );
    expect(criterion.autoScore).not.toBeNull();
  });

  it('scores a code confirmed between QA reading it and QA being stored', async () => {
    // The race, in order: QA read no code; the confirmation, finding no QA result yet, stored
    // the code alone; then the runner stored QA with the criterion N/A.
    const raced = 'wrapup-call-raced';
    await replayCall(connector, script, {
      conversationId: raced,
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
    });
    await server.services.pipeline.drain();
    const id = (await server.services.conversations.findByExternalId('acme', raced))!.id;
    const criterion = async () =>
      (await server.call('GET', `/api/qa/conversations/${id}`, server.keys.supervisor))
        .json()
        .scorecard.find(
          (entry: { criterionId: string }) => entry.criterionId === 'correct_disposition',
        );
    expect((await criterion()).autoScore).toBeNull();
    await saveDispositionConfirmation(server.services.db, {
      tenantId: 'acme',
      conversationId: id,
      suggestedCode: null,
      confidence: null,
      chosenCode: 'refund_issued',
      agentId: 'alice',
    });
    expect((await criterion()).autoScore).toBeNull();

    await reconcileConfirmedDisposition(server.services.db, 'acme', id);
    expect((await criterion()).autoScore).not.toBeNull();
  });
});
