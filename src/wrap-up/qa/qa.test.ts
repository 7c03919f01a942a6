import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQaFinalizer } from './qa-finalizer.js';
import type { Database } from '../../stores/database.js';
import { migrate } from '../../stores/migrate.js';
import { openDatabase } from '../../stores/open-database.js';
import { buildConversation, buildTranscript } from '../test-transcript.js';
import { scoreConversation, type QaContext } from './auto-qa.js';
import { updateCsat, type CsatState } from './csat.js';
import {
  applyConfirmedDisposition,
  qaAgreement,
  recordQaOverride,
  saveQaResult,
  saveScorecard,
} from './qa-store.js';
import { loadScorecard } from './scorecard.js';

const scorecard = await loadScorecard(
  new URL('../../../knowledge/scorecards/default.yaml', import.meta.url).pathname,
);

const good = buildTranscript([
  ['agent', 'Thank you for calling, how can I help you?'],
  ['customer', 'This is awful, I was charged twice and I am furious.'],
  [
    'agent',
    "I'm so sorry, I understand how frustrating that is. Can you verify your date of birth?",
  ],
  ['customer', 'March 3rd 1985.'],
  { action: 'verify-identity' },
  { action: 'issue-refund' },
  ['agent', 'I have refunded the extra charge. Does that solve the problem?'],
  ['customer', 'Yes, thank you.'],
  ['agent', 'Is there anything else? Have a great day.'],
]);
const bad = buildTranscript([
  ['agent', 'Account number.'],
  ['customer', 'This is awful, I was charged twice and I am furious.'],
  { action: 'issue-refund' },
  ['agent', 'Refund done.'],
]);

function criteria(context: QaContext) {
  const result = scoreConversation(scorecard, context);
  return Object.fromEntries(result.criteria.map((c) => [c.criterionId, c]));
}

const refundArticle = `Refund timelines to tell the customer: card refunds show in 5 to 7 business days.
Duplicate charges are refunded to the original payment method. Late fee: $10 per month.`;

describe('auto-QA', () => {
  it('scores every criterion with evidence turns and an overall score', () => {
    const result = scoreConversation(scorecard, { transcript: good });
    const byId = Object.fromEntries(result.criteria.map((c) => [c.criterionId, c]));
    expect(byId.greeting).toMatchObject({ score: 1, evidence: [1] });
    expect(byId.identity_verified).toMatchObject({ score: 1, evidence: [3, 5, 6] });
    expect(byId.empathy).toMatchObject({ score: 1, evidence: [2, 3] });
    expect(byId.accurate_information?.score).toBeNull();
    expect(result.overall).toBe(1);

    const poor = scoreConversation(scorecard, { transcript: bad });
    const poorById = Object.fromEntries(poor.criteria.map((c) => [c.criterionId, c]));
    expect(poorById.identity_verified).toMatchObject({ score: 0, evidence: [3] });
    expect(poorById.empathy?.score).toBe(0);
    expect(poor.overall).toBe(0);
  });

  it('counts a customer who says they are annoyed as upset, even when the words score positive', () => {
    const transcript = buildTranscript([
      ['agent', 'Thanks for calling, how can I help you today?'],
      [
        'customer',
        "I was charged twice for my subscription this month and I'm honestly pretty annoyed about it.",
      ],
      ['agent', "I'm sorry about that, I can see why that's frustrating."],
    ]);
    expect(criteria({ transcript }).empathy).toMatchObject({ score: 1, evidence: [2, 3] });

    const cold = buildTranscript([
      ['agent', 'Thanks for calling, how can I help you today?'],
      ['customer', 'This is the second time this year. If it happens again I am leaving.'],
      ['agent', 'Let me look at the account.'],
    ]);
    expect(criteria({ transcript: cold }).empathy).toMatchObject({ score: 0, evidence: [2, 3] });

    const calm = buildTranscript([
      ['agent', 'Thanks for calling, how can I help you today?'],
      ['customer', "I'm not upset at all, I just want to know when my bill is due."],
      ['agent', 'It is due on the 15th.'],
    ]);
    expect(criteria({ transcript: calm }).empathy).toMatchObject({
      score: null,
      note: 'customer was not upset',
    });
    const disappointed = buildTranscript([
      ['agent', 'Thanks for calling, how can I help you today?'],
      ['customer', "I don't want to shout, I'm not angry, just disappointed."],
      ['agent', 'I understand, let me fix it.'],
    ]);
    expect(criteria({ transcript: disappointed }).empathy?.score).toBe(1);
  });

  it('uses the live sentiment of a turn to decide whether the customer was upset', () => {
    const transcript = buildTranscript([
      ['agent', 'Hello, how can I help?'],
      ['customer', 'My router stopped working again on Friday.'],
      ['agent', 'Let me check.'],
    ]);
    expect(criteria({ transcript }).empathy?.score).toBeNull();
    expect(criteria({ transcript, sentiment: { 2: -0.7 } }).empathy).toMatchObject({
      score: 0,
      evidence: [2, 3],
    });
  });

  it("checks policy figures against the articles and ignores the account's own figures", () => {
    const accountTurns: ['agent' | 'customer', string][] = [
      ['agent', 'Thanks for calling, how can I help you today?'],
      ['customer', 'I was charged twice.'],
      ['agent', 'I see two charges of $24.99 on November 3rd.'],
      ['agent', "I'm issuing a refund of $24.99 to your card ending 4242 right now."],
    ];
    const accountOnly = buildTranscript(accountTurns);
    expect(
      criteria({ transcript: accountOnly, articles: [refundArticle] }).accurate_information,
    ).toMatchObject({ score: null, evidence: [] });

    const wrongTimeline = buildTranscript([
      ...accountTurns,
      ['agent', 'Card refunds arrive in 2 business days.'],
    ]);
    expect(
      criteria({ transcript: wrongTimeline, articles: [refundArticle] }).accurate_information,
    ).toMatchObject({ score: 0, evidence: [5] });

    const rightTimeline = buildTranscript([
      ['agent', "I'm issuing a refund of $24.99 to your card ending 4242 right now."],
      ['agent', 'Card refunds arrive in five to seven business days.'],
    ]);
    expect(
      criteria({ transcript: rightTimeline, articles: [refundArticle] }).accurate_information,
    ).toMatchObject({ score: 1, evidence: [2] });
  });

  it('accepts "Done, X is applied" as confirming the resolution and a thank-you as the closing', () => {
    const transcript = buildTranscript([
      ['agent', "Hello, you're chatting with Priya. What can I do for you?"],
      ['customer', 'I want to cancel, the app keeps buffering.'],
      ['agent', 'I can offer you one month free as an apology.'],
      ['customer', "One month free? Okay, I'll stay for now."],
      { action: 'apply-credit' },
      [
        'agent',
        'Done, the free month is applied to your next bill. Thank you for staying with us!',
      ],
    ]);
    const byId = criteria({ transcript });
    expect(byId.resolution_confirmed).toMatchObject({ score: 1, evidence: [6] });
    expect(byId.closing).toMatchObject({ score: 1, evidence: [6] });

    // Without either, both are still missed; the opening "thank you for calling" is no closing.
    const abrupt = buildTranscript([
      ['agent', 'Thank you for calling, how can I help?'],
      ['customer', 'I want to cancel.'],
      ['agent', 'I can offer you one month free.'],
      ['customer', 'Fine.'],
    ]);
    const abruptById = criteria({ transcript: abrupt });
    expect(abruptById.resolution_confirmed?.score).toBe(0);
    expect(abruptById.closing).toMatchObject({ score: 0, evidence: [3] });
  });

  it('marks a confident disagreement with the suggested disposition through the finalizer', async () => {
    const finalizer = createQaFinalizer(scorecard);
    const output = await finalizer.finalize({
      tenantId: 't1',
      conversation: buildConversation({ metadata: { disposition: 'general_inquiry' } }),
      transcript: good,
      previous: { disposition: { suggested: 'refund_issued', confidence: 0.9, alternatives: [] } },
      analyses: {},
      signal: new AbortController().signal,
    });
    const criteria = output?.result?.criteria as { criterionId: string; score: number | null }[];
    expect(criteria.find((c) => c.criterionId === 'correct_disposition')?.score).toBe(0);
  });

  it('moves the CSAT estimate down on anger and up on thanks', () => {
    let state: CsatState | undefined;
    for (const item of good.slice(0, 2)) state = updateCsat(state, item);
    const angry = state!.estimate;
    for (const item of good.slice(2)) state = updateCsat(state, item);
    expect(angry).toBeLessThan(2.5);
    expect(state!.estimate).toBeGreaterThan(angry + 1);
  });
});

describe('QA store', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t1', 'T')`);
    for (const id of ['c1', 'c2'])
      await db.query(
        `INSERT INTO conversations (id, tenant_id, external_id, channel) VALUES ($1, 't1', $1, 'voice')`,
        [id],
      );
  });
  afterAll(async () => db.close());

  it('keeps automatic scores beside human overrides and reports agreement', async () => {
    await saveScorecard(db, 't1', scorecard);
    await saveQaResult(db, 't1', 'c1', scoreConversation(scorecard, { transcript: good }));
    await saveQaResult(db, 't1', 'c2', scoreConversation(scorecard, { transcript: bad }));
    const base = {
      scorecardId: 'default',
      scorecardVersion: 1,
      comment: 'checked recording',
      reviewer: 'sup-1',
    };
    await recordQaOverride(db, 't1', {
      ...base,
      conversationId: 'c1',
      criterionId: 'greeting',
      humanScore: 1,
    });
    await recordQaOverride(db, 't1', {
      ...base,
      conversationId: 'c2',
      criterionId: 'empathy',
      humanScore: 1,
    });
    expect(await qaAgreement(db, 't1')).toMatchObject({
      reviewed: 2,
      agreed: 1,
      rate: 0.5,
      byCriterion: { empathy: { reviewed: 1, agreed: 0 } },
    });
    // A second review of the same criterion replaces the first in the agreement figure.
    await recordQaOverride(db, 't1', {
      ...base,
      conversationId: 'c2',
      criterionId: 'empathy',
      humanScore: 0,
      comment: 'on second listen',
    });
    expect((await qaAgreement(db, 't1')).rate).toBe(1);
    await expect(
      recordQaOverride(db, 't1', {
        ...base,
        conversationId: 'c1',
        criterionId: 'nope',
        humanScore: 1,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('scores the disposition again when the agent confirms a code after the call', async () => {
    await saveScorecard(db, 't1', scorecard);
    const atWrapUp = scoreConversation(scorecard, { transcript: bad });
    await saveQaResult(db, 't1', 'c2', atWrapUp);
    await db.query(
      `INSERT INTO wrapup_results (conversation_id, tenant_id, kind, result) VALUES ('c2', 't1', 'qa', $1)`,
      [JSON.stringify(atWrapUp)],
    );
    const disposition = (result: { criteria: { criterionId: string }[] } | null) =>
      result?.criteria.find((c) => c.criterionId === 'correct_disposition');
    expect(disposition(atWrapUp)).toMatchObject({ score: null });

    const confirmed = await applyConfirmedDisposition(db, 't1', 'c2', {
      chosen: 'refund_issued',
      suggested: 'refund_issued',
      confidence: 0.9,
    });
    expect(disposition(confirmed)).toMatchObject({ score: 1 });
    // Only the disposition criterion (weight 1 of the 10 applicable) is met.
    expect(confirmed?.overall).toBeCloseTo(0.1);
    const stored = await db.query<{ overall: number; auto_score: number }>(
      `SELECT (w.result->>'overall')::float8 AS overall, s.auto_score
         FROM wrapup_results w JOIN qa_scores s USING (conversation_id)
        WHERE w.conversation_id = 'c2' AND w.kind = 'qa' AND s.criterion_id = 'correct_disposition'`,
    );
    expect(stored.rows[0]).toMatchObject({ overall: 0.1, auto_score: 1 });

    const corrected = await applyConfirmedDisposition(db, 't1', 'c2', {
      chosen: 'general_inquiry',
      suggested: 'refund_issued',
      confidence: 0.9,
    });
    expect(disposition(corrected)).toMatchObject({ score: 0 });
    expect(corrected?.overall).toBe(0);
    expect(
      await applyConfirmedDisposition(db, 't1', 'c1', {
        chosen: 'x',
        suggested: null,
        confidence: 0,
      }),
    ).toBeNull();
  });
});
