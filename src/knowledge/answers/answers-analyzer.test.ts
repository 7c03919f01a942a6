import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiebaWordSplitter } from '../../providers/jieba/jieba-word-splitter.js';
import { migrate } from '../../stores/migrate.js';
import { openDatabase } from '../../stores/open-database.js';
import type { Database } from '../../stores/database.js';
import { runAnalyzer, type Turn } from '../../assist/testing/transcript-fixture.js';
import type { Suggestion } from '../../conversations/events.js';
import { readFileSync } from 'node:fs';
import { ingestArticles, readDocuments } from '../ingest.js';
import { publishedArticle } from '../testing/article-fixture.js';
import { createAnswersAnalyzer } from './answers-analyzer.js';
import { isQuestion } from './is-question.js';

let db: Database;
const splitter = createJiebaWordSplitter();

beforeAll(async () => {
  db = await openDatabase({});
  await migrate(db);
  await db.query(`INSERT INTO tenants (id, name) VALUES ('tenant-1', 'Test')`);
  await ingestArticles({ db, embedder: null, splitter }, 'tenant-1', [
    publishedArticle(
      'shipping-times',
      'Delivery times',
      '# Delivery times\n\n**Delivery options**\n- Standard delivery takes 3–5 business days, free on orders over $50.\n- Express delivery arrives the next business day when ordered before 2 pm.\n\n**Tracking.** The order screen shows the courier tracking number once shipped.',
    ),
    {
      ...publishedArticle(
        'zh-refunds',
        '退款政策与退款到账时间',
        '**退款方式**：退款一律退回原付款方式。如果原银行卡已过期，银行通常会转入新卡；若银行拒收，我们会将支票寄到账单地址。',
      ),
      language: 'zh',
    },
    // The article the Mandarin demo call's question is answered from, as shipped.
    ...(await readDocuments('knowledge/articles/zh-outage-compensation.md')),
  ]);
});
afterAll(async () => {
  await db.close();
});

async function answersTo(turns: Turn[]): Promise<Suggestion[]> {
  const runs = await runAnalyzer(createAnswersAnalyzer({ db, embedder: null, splitter }), turns);
  return runs.flatMap((run) =>
    (run.output?.events ?? []).flatMap((event) =>
      event.type === 'suggestion' && event.suggestion.kind === 'answer' ? [event.suggestion] : [],
    ),
  );
}

describe('answers analyzer, offline', () => {
  it('answers an English question with the passage sentences that say it, cited and marked', async () => {
    const [answer] = await answersTo([
      { agent: 'Thanks for calling, how can I help?' },
      { customer: 'How long does standard delivery take?' },
    ]);
    expect(answer).toMatchObject({
      kind: 'answer',
      source: 'extract',
      refused: false,
      citations: [{ articleId: 'shipping-times', title: 'Delivery times' }],
    });
    if (answer?.kind !== 'answer') throw new Error('no answer');
    expect(answer.text).toContain('Standard delivery takes 3–5 business days');
    expect(answer.text).not.toContain('**');
    expect(answer.highlighted).toContain('<mark>delivery</mark>');
    expect(answer.claims).toEqual([{ text: answer.text, articleIds: ['shipping-times'] }]);
  });

  it('answers a Chinese question in Chinese', async () => {
    const [answer] = await answersTo([{ customer: '我的银行卡已经过期了，退款会退到哪里？' }]);
    if (answer?.kind !== 'answer') throw new Error('no answer');
    expect(answer.refused).toBe(false);
    expect(answer.citations.map((c) => c.articleId)).toEqual(['zh-refunds']);
    expect(answer.text).toContain('银行卡已过期');
    expect(answer.text).not.toMatch(/[a-z*]/i);
    expect(answer.highlighted).toContain('<mark>');
  });

  it('says no article supports an answer when none does', async () => {
    const [answer] = await answersTo([{ customer: 'Can I bring my parrot to the store?' }]);
    expect(answer).toMatchObject({
      kind: 'answer',
      refused: true,
      text: 'No article supports an answer.',
      citations: [],
    });
  });

  it("answers the Mandarin demo call's question about compensation, and only its questions", async () => {
    const call = JSON.parse(readFileSync('knowledge/demo-calls/zh-outage.json', 'utf8')) as {
      turns: Array<{ speaker?: 'agent' | 'customer'; text?: string }>;
    };
    const turns = call.turns.flatMap((turn): Turn[] =>
      turn.speaker && turn.text ? [{ [turn.speaker]: turn.text } as Turn] : [],
    );
    const runs = await runAnalyzer(createAnswersAnalyzer({ db, embedder: null, splitter }), turns);
    const answered = runs.flatMap((run) =>
      run.output && run.item.kind === 'utterance' ? [run.item.text] : [],
    );
    // The opening ("重启了好几次也没用。") tells of trouble; it asks nothing.
    expect(answered.every((text) => /[？?]/.test(text))).toBe(true);
    const compensation = runs.find(
      (run) => run.item.kind === 'utterance' && run.item.text.includes('有没有补偿'),
    );
    const event = compensation?.output?.events?.[0];
    if (event?.type !== 'suggestion' || event.suggestion.kind !== 'answer')
      throw new Error('no answer');
    expect(event.suggestion.refused).toBe(false);
    expect(event.suggestion.citations.map((c) => c.articleId)).toEqual(['zh-outage-compensation']);
    expect(event.suggestion.text).toContain('补偿');
    expect(event.suggestion.highlighted).toContain('<mark>补偿</mark>');
  });

  it('stays quiet when the customer asks nothing', async () => {
    expect(await answersTo([{ customer: 'My parcel still has not arrived.' }])).toEqual([]);
  });
});

describe('isQuestion', () => {
  it('hears questions with or without a question mark, in English and Chinese', () => {
    expect(isQuestion('so how long does it take')).toBe(true);
    expect(isQuestion('退款多久能到账')).toBe(true);
    expect(isQuestion('I was charged twice.')).toBe(false);
    expect(isQuestion('我被扣了两次钱。')).toBe(false);
  });

  it('does not take a Chinese statement with an indefinite word for a question', () => {
    // The Mandarin demo call's opening: "好几次" is "several times", not "how many".
    expect(isQuestion('路由器上的灯一直是红的，重启了好几次也没用。')).toBe(false);
    expect(isQuestion('哪怕重启也连不上，什么都试了。')).toBe(false);
    expect(isQuestion('几天能到')).toBe(true);
    expect(isQuestion('这个损失谁来管？你们有没有补偿？')).toBe(true);
  });
});
