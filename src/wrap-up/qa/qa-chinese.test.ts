import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../stores/database.js';
import { migrate } from '../../stores/migrate.js';
import { openDatabase } from '../../stores/open-database.js';
import { buildConversation, buildTranscript } from '../test-transcript.js';
import { mandarinBillingCall, mandarinCurtCall } from '../mandarin-test-calls.js';
import type { ConversationItem } from '../../conversations/types.js';
import { scoreConversation, type QaResult } from './auto-qa.js';
import { createQaFinalizer } from './qa-finalizer.js';
import { criterionReviews, saveQaResult, saveScorecard } from './qa-store.js';
import { loadScorecard } from './scorecard.js';

const scorecard = await loadScorecard(
  new URL('../../../knowledge/scorecards/default.yaml', import.meta.url).pathname,
);

function byId(transcript: readonly ConversationItem[]) {
  const result = scoreConversation(scorecard, { transcript });
  return Object.fromEntries(result.criteria.map((c) => [c.criterionId, c]));
}

describe('auto-QA on a Mandarin call', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t1', 'T')`);
    for (const id of ['zh-good', 'zh-curt'])
      await db.query(
        `INSERT INTO conversations (id, tenant_id, external_id, channel, language) VALUES ($1, 't1', $1, 'voice', 'zh')`,
        [id],
      );
    await saveScorecard(db, 't1', scorecard);
  });
  afterAll(async () => db.close());

  async function finalizeAndStore(id: string, transcript: ConversationItem[]) {
    const finalizer = createQaFinalizer({
      scorecardFor: () => scorecard,
      onScored: (tenantId, conversationId, result) =>
        saveQaResult(db, tenantId, conversationId, result),
    });
    const output = await finalizer.finalize({
      tenantId: 't1',
      conversation: buildConversation({ id, language: 'zh' }),
      transcript,
      previous: {},
      analyses: {},
      signal: new AbortController().signal,
    });
    const reviews = await criterionReviews(db, 't1', id);
    return {
      result: output?.result as QaResult,
      stored: Object.fromEntries(reviews.map((r) => [r.criterionId, r])),
    };
  }

  it('recognises the greeting, the check, the apology, the resolution and the close, with the Chinese turns as evidence', async () => {
    const { result, stored } = await finalizeAndStore('zh-good', mandarinBillingCall);
    expect(stored.greeting).toMatchObject({ autoScore: 1, evidence: [1] });
    expect(stored.identity_verified).toMatchObject({ autoScore: 1, evidence: [3, 5, 6, 9] });
    expect(stored.empathy).toMatchObject({ autoScore: 1, evidence: [2, 3] });
    expect(stored.resolution_confirmed?.autoScore).toBe(1);
    expect(stored.resolution_confirmed?.evidence).toContain(11);
    expect(stored.closing).toMatchObject({ autoScore: 1, evidence: [13] });
    expect(result.overall).toBe(1);
  });

  it('still misses every criterion of a curt Mandarin call', async () => {
    const { result, stored } = await finalizeAndStore('zh-curt', mandarinCurtCall);
    expect(stored.greeting).toMatchObject({ autoScore: 0, evidence: [1] });
    expect(stored.identity_verified).toMatchObject({ autoScore: 0, evidence: [3] });
    expect(stored.empathy).toMatchObject({ autoScore: 0, evidence: [2, 4] });
    expect(stored.closing?.autoScore).toBe(0);
    expect(result.overall).toBe(0);
  });

  it('does not count a customer who says they are not angry as upset', () => {
    const calm = buildTranscript([
      ['agent', '你好，请问有什么可以帮您？'],
      ['customer', '我不生气，就是想问一下账单什么时候到期。'],
      ['agent', '账单每月15号到期。'],
    ]);
    expect(byId(calm).empathy).toMatchObject({ score: null, note: 'customer was not upset' });
  });

  it('reads the same cues in traditional characters', () => {
    const traditional = buildTranscript([
      ['agent', '您好，歡迎致電光波客服，請問有什麼可以幫您？'],
      ['customer', '我被重複扣款了，真的很氣人！'],
      ['agent', '對不起，給您帶來不便，我先核實一下您的身分。'],
      { action: 'verify-identity' },
      { action: 'issue-refund' },
      ['agent', '已經為您辦理退款，三到五個工作日內會退回。'],
      ['customer', '好的。'],
      ['agent', '還有什麼可以幫您的嗎？感謝來電，再見！'],
    ]);
    const scores = byId(traditional);
    expect(scores.greeting).toMatchObject({ score: 1, evidence: [1] });
    expect(scores.empathy).toMatchObject({ score: 1, evidence: [2, 3] });
    expect(scores.identity_verified).toMatchObject({ score: 1, evidence: [3, 4, 5] });
    expect(scores.resolution_confirmed?.score).toBe(1);
    expect(scores.closing).toMatchObject({ score: 1, evidence: [8] });
  });
});
