import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../stores/open-database.js';
import { migrate } from '../../stores/migrate.js';
import type { Database } from '../../stores/database.js';
import { createJiebaWordSplitter } from '../../providers/jieba/jieba-word-splitter.js';
import { ingestArticles } from '../ingest.js';
import type { ConversationItem, ConversationRecord, Speaker } from '../../conversations/types.js';
import type { Analyzer, AnalyzerOutput } from '../../pipeline/analyzer.js';
import { createArticleCardsAnalyzer } from './article-cards-analyzer.js';
import { publishedArticle } from '../testing/article-fixture.js';

const article = publishedArticle;

let db: Database;
let analyzer: Analyzer<'article-cards', 'intent' | 'language'>;

const conversation: ConversationRecord = {
  id: 'c1',
  tenantId: 't1',
  externalId: 'x1',
  channel: 'chat',
  agentId: 'a1',
  customerId: null,
  customerAttributes: {},
  language: 'en',
  status: 'active',
  lastSeq: 0,
  metadata: {},
  startedAt: new Date().toISOString(),
  endedAt: null,
};

/** Plays a conversation through the analyzer the way the pipeline does, carrying state along. */
function createSession(tenantId = 't1', language = 'en') {
  const transcript: ConversationItem[] = [];
  let state: unknown;
  return async (
    speaker: Speaker,
    text: string,
  ): Promise<AnalyzerOutput<'article-cards'> | null> => {
    const item: ConversationItem = {
      kind: 'utterance',
      conversationId: 'c1',
      seq: transcript.length + 1,
      speaker,
      text,
      startMs: null,
      endMs: null,
      language,
      createdAt: new Date().toISOString(),
    };
    transcript.push(item);
    const output = await analyzer.analyze({
      tenantId,
      conversation: { ...conversation, tenantId, language },
      item,
      transcript: [...transcript],
      previous: {},
      state,
      signal: new AbortController().signal,
    });
    if (output?.state !== undefined) state = output.state;
    return output;
  };
}

function cards(output: AnalyzerOutput<'article-cards'> | null) {
  return (output?.events ?? []).flatMap((event) =>
    event.type === 'suggestion' && event.suggestion.kind === 'article' ? [event.suggestion] : [],
  );
}

beforeAll(async () => {
  db = await openDatabase({});
  await migrate(db);
  await db.query(`INSERT INTO tenants (id, name) VALUES ('t1', 'Test')`);
  await ingestArticles({ db, embedder: null, splitter: createJiebaWordSplitter() }, 't1', [
    article(
      'refunds',
      'Refunds for duplicate payments',
      'A duplicate payment is refunded in full to the original card within 5 business days. Check the refund status screen.',
    ),
    article(
      'roaming',
      'Using your phone abroad (roaming)',
      'Turn on data roaming in the phone settings. A travel pass gives your plan abroad for 8 dollars per day.',
    ),
    article(
      'outage',
      'Checking for an outage',
      'Open the outage map with the service address and tell the customer the estimated fix time.',
    ),
    article(
      'email',
      'Changing the email address on an account',
      'The customer can change the email address in the account settings; a link is emailed to confirm it. How long it takes: a few minutes.',
    ),
  ]);
  analyzer = createArticleCardsAnalyzer({
    db,
    embedder: null,
    splitter: createJiebaWordSplitter(),
  });
});

afterAll(async () => {
  await db.close();
});

describe('article-cards analyzer', () => {
  it('shows a card only when confident, never twice, and follows a change of topic', async () => {
    const say = createSession();
    expect(cards(await say('customer', 'Hi, good morning!'))).toEqual([]);
    expect(await say('agent', 'Good morning, how can I help you today?')).toBeNull();

    const first = cards(
      await say(
        'customer',
        'I was charged twice this month, I need a refund of the duplicate payment',
      ),
    );
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      kind: 'article',
      articleId: 'refunds',
      title: 'Refunds for duplicate payments',
    });
    expect(first[0]!.reason).toMatch(
      /^matches '.*(refund|duplicate|payment).*' from the customer's last turns$/,
    );
    expect(first[0]!.highlighted).toContain('<mark>');

    // Same topic again: the card is not repeated, and nothing unrelated is pushed instead.
    expect(
      cards(await say('customer', 'So when will that duplicate payment refund reach my card?')),
    ).toEqual([]);

    await say('agent', 'It will arrive within 5 business days.');
    const shifted = cards(
      await say(
        'customer',
        'Thanks. Another thing: I travel to Spain next week, will my phone work abroad? Do I need roaming?',
      ),
    );
    expect(shifted.map((card) => card.articleId)).toEqual(['roaming']);
  });

  it('stays quiet on answers and follow-ups that lean on the turns before', async () => {
    const say = createSession();
    expect(
      cards(await say('customer', 'I was charged twice, I need a refund of the duplicate payment')),
    ).toHaveLength(1);
    await say('agent', 'Sorry about that. Could you confirm the email address on the account?');
    // A redacted e-mail address is an answer, not a question about e-mail settings.
    expect(cards(await say('customer', 'Sure, it is [EMAIL].'))).toEqual([]);
    await say('agent', 'Thanks, the duplicate payment is refunded to your card.');
    // Alone, "how long does it take" matches any article that says so; it asks about the refund.
    expect(cards(await say('customer', 'Okay. How long does that take?'))).toEqual([]);
    // A new need, said in its own words, still gets its card.
    expect(
      cards(
        await say('customer', 'One more thing: I want to change the email address on my account.'),
      ).map((card) => card.articleId),
    ).toEqual(['email']);
  });

  it('keeps its memory in the returned state only (a new conversation starts fresh)', async () => {
    const say = createSession();
    const output = await say('customer', 'I need a refund for a duplicate payment');
    expect(cards(output).map((card) => card.articleId)).toEqual(['refunds']);
    const [card] = cards(output);
    expect(output?.state).toEqual({
      shown: ['refunds'],
      slots: [
        {
          intent: null,
          tags: [],
          articleId: 'refunds',
          articleTags: [],
          suggestionId: card!.suggestionId,
        },
      ],
    });
  });

  it('says in Chinese why a card is shown on a Mandarin call', async () => {
    await ingestArticles({ db, embedder: null, splitter: createJiebaWordSplitter() }, 't1', [
      {
        ...article(
          'zh-refunds',
          '重复扣费退款',
          '重复扣费的款项会全额退回原支付账户，一般五个工作日内到账。可以在退款进度页面查看状态。',
        ),
        language: 'zh',
      },
    ]);
    const item: ConversationItem = {
      kind: 'utterance',
      conversationId: 'c1',
      seq: 1,
      speaker: 'customer',
      text: '我被重复扣费了，想申请退款，多扣的钱什么时候能退回？',
      startMs: null,
      endMs: null,
      language: null,
      createdAt: new Date().toISOString(),
    };
    const output = await analyzer.analyze({
      tenantId: 't1',
      conversation: { ...conversation, id: 'c-zh', language: 'zh' },
      item,
      transcript: [item],
      previous: {},
      state: undefined,
      signal: new AbortController().signal,
    });
    const [card] = cards(output);
    expect(card).toMatchObject({ articleId: 'zh-refunds' });
    expect(card!.reason).toMatch(/^与客户最近说的.+相符$/);
    expect(card!.reason).not.toMatch(/[A-Za-z]/);
  });
});

describe('one card per topic', () => {
  // Tenant t2: a small base where two articles share a topic (first tag "internet").
  beforeAll(async () => {
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t2', 'Topics')`);
    const tagged = (id: string, title: string, body: string, tags: string[], language = 'en') => ({
      ...article(id, title, body),
      tags,
      language,
    });
    await ingestArticles({ db, embedder: null, splitter: createJiebaWordSplitter() }, 't2', [
      tagged(
        'router-lights',
        'What the router lights mean',
        'A blinking red light on the router means it gets no signal from the line. Restart the router and check the cable.',
        ['internet', 'devices'],
      ),
      tagged(
        'area-outage',
        'Checking for an outage in the area',
        'Open the outage map with the postcode. During an area outage tell the customer the estimated fix time and that engineers are working on it.',
        ['internet', 'outages'],
      ),
      tagged(
        'roaming',
        'Using your phone abroad (roaming)',
        'Turn on data roaming in the phone settings. A travel pass gives your plan abroad for 8 dollars per day.',
        ['plans', 'mobile'],
      ),
      tagged(
        'zh-router-lights',
        '路由器指示灯',
        '路由器亮红灯表示线路没有信号。请客户重启路由器，检查光纤是否插好。',
        ['internet', 'devices'],
        'zh',
      ),
      tagged(
        'zh-area-outage',
        '区域故障查询',
        '在故障地图上查询客户所在区域。区域故障时告诉客户预计修复时间，工程师正在抢修。',
        ['internet', 'outages'],
        'zh',
      ),
    ]);
  });

  it('replaces the card of a topic with a better one instead of adding a second', async () => {
    const say = createSession('t2');
    const [first] = cards(
      await say('customer', 'My internet is down and the router light is blinking red.'),
    );
    expect(first).toMatchObject({ articleId: 'router-lights' });
    expect(first!.replacesSuggestionId).toBeUndefined();

    await say('agent', 'Sorry about that, let me check.');
    const second = cards(
      await say('customer', 'Is there an outage in my area? When will the engineers fix it?'),
    );
    expect(second.map((card) => card.articleId)).toEqual(['area-outage']);
    expect(second[0]!.replacesSuggestionId).toBe(first!.suggestionId);

    // A different topic still gets a card of its own, not a replacement.
    await say('agent', 'Yes, there is an outage; it should be fixed by 6pm.');
    const third = cards(
      await say(
        'customer',
        'Another thing: I travel to Spain next week, will my phone work abroad with roaming?',
      ),
    );
    expect(third.map((card) => card.articleId)).toEqual(['roaming']);
    expect(third[0]!.replacesSuggestionId).toBeUndefined();

    // Routine turns: no card, new or replacing.
    expect(cards(await say('customer', 'Okay, thanks, bye!'))).toEqual([]);
  });

  it('does the same on a Mandarin call', async () => {
    const say = createSession('t2', 'zh');
    const [first] = cards(await say('customer', '我家路由器一直亮红灯，上不了网。'));
    expect(first).toMatchObject({ articleId: 'zh-router-lights' });
    await say('agent', '好的，我帮您查一下。');
    const second = cards(await say('customer', '是不是区域故障？工程师什么时候能修复？'));
    expect(second.map((card) => card.articleId)).toEqual(['zh-area-outage']);
    expect(second[0]!.replacesSuggestionId).toBe(first!.suggestionId);
    expect(cards(await say('customer', '好的，谢谢，再见。'))).toEqual([]);
  });
});
