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

  it('checks the refund timeline an agent quotes against the Chinese article shown, with its turn', () => {
    const article =
      '退款政策与退款到账时间 银行卡：发起退款后 3 至 5 个工作日到账，个别银行最长 10 个工作日。手续费十元。';
    const call = (promise: string) =>
      scoreConversation(scorecard, {
        transcript: buildTranscript([
          ['agent', '您好，请问有什么可以帮您？'],
          ['customer', '我申请的退款什么时候能到账？'],
          ['agent', promise],
        ]),
        articles: [article],
      }).criteria.find((criterion) => criterion.criterionId === 'accurate_information');
    expect(call('银行卡退款三到五个工作日到账，请您留意。')).toMatchObject({
      score: 1,
      evidence: [3],
    });
    expect(call('退款5个工作日内退回您的银行卡。')).toMatchObject({ score: 1, evidence: [3] });
    const wrong = call('退款要七个工作日才能到账，另外要收二十元手续费。');
    expect(wrong).toMatchObject({ score: 0, evidence: [3] });
    expect(wrong?.note).toContain('七个工作日');
    expect(wrong?.note).toContain('二十元');
  });

  it('counts a change the agent requested for the customer, and the next steps an agent states', () => {
    const refund = byId(
      buildTranscript([
        ['agent', '您好，请问有什么可以帮您？'],
        ['customer', '我的话费被扣了两次。'],
        ['agent', '我查到了，多扣的那笔我已经为您申请退款。'],
      ]),
    );
    expect(refund.identity_verified).toMatchObject({ score: 0, evidence: [3] });
    const outage = byId(
      buildTranscript([
        ['customer', '我家断网了。'],
        ['agent', '您好，您所在区域有故障，工程师预计明天中午前修好，修好后我们会短信通知您。'],
        ['customer', '这么久？真耽误事。'],
        ['agent', '非常理解您的着急。地址我已经帮您改好了。'],
      ]),
    );
    expect(outage.resolution_confirmed).toMatchObject({ score: 1, evidence: [2, 4] });
    expect(outage.empathy).toMatchObject({ score: 1, evidence: [3, 4] });
  });

  it('takes a dated promise in the last turns as the next steps, and a 把 sentence as a change', () => {
    const scores = byId(
      buildTranscript([
        ['agent', '您好，很高兴为您服务。'],
        ['customer', '我这个月手头紧，能不能晚点交费？'],
        ['agent', '可以，已经帮您把缴费日期调整到月底。'],
        ['customer', '好的。'],
        ['agent', '明天上午我会给您打电话确认一下。'],
      ]),
    );
    expect(scores.identity_verified).toMatchObject({ score: 0, evidence: [3] });
    expect(scores.resolution_confirmed).toMatchObject({ score: 1, evidence: [3, 5] });
  });
});
