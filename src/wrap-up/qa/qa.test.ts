import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQaFinalizer } from '../../pipeline/finalizers/qa-finalizer.js';
import type { Database } from '../../stores/database.js';
import { migrate } from '../../stores/migrate.js';
import { openDatabase } from '../../stores/open-database.js';
import { buildConversation, buildTranscript } from '../test-transcript.js';
import { scoreConversation, updateCsat, type CsatState } from './auto-qa.js';
import { qaAgreement, recordQaOverride, saveQaResult, saveScorecard } from './qa-store.js';
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

  it('marks a confident disagreement with the suggested disposition through the finalizer', async () => {
    const finalizer = createQaFinalizer(scorecard);
    const output = await finalizer.finalize({
      tenantId: 't1',
      conversation: buildConversation({ metadata: { disposition: 'general_inquiry' } }),
      transcript: good,
      previous: { disposition: { suggested: 'refund_issued', confidence: 0.9 } },
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
});
