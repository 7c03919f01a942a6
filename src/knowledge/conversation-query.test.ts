import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationQuery, splitSentences } from './conversation-query.js';
import { openDatabase } from '../stores/open-database.js';
import { migrate } from '../stores/migrate.js';
import type { Database } from '../stores/database.js';
import { createJiebaWordSplitter } from '../providers/jieba/jieba-word-splitter.js';
import { ingestArticles } from './ingest.js';
import { searchKnowledge } from './search.js';
import { publishedArticle } from './testing/article-fixture.js';

describe('conversationQuery', () => {
  it('weighs the customer over the agent and recent turns over old ones, with a floor', () => {
    const { segments, vectorText } = conversationQuery(
      [
        { speaker: 'customer', text: 'My bill is wrong' },
        { speaker: 'agent', text: 'Let me check the bill' },
        ...Array.from({ length: 10 }, () => ({ speaker: 'agent' as const, text: 'ok' })),
        { speaker: 'customer', text: 'Also my phone does not work abroad' },
      ],
      { embedWords: 5 },
    );
    const first = segments[0]!.weight;
    const last = segments[segments.length - 1]!.weight;
    expect(last).toBe(1);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(last);
    // Agent turns count half as much as a customer turn of the same age.
    expect(segments[segments.length - 2]!.weight).toBeCloseTo(0.5 * 0.85, 5);
    expect(vectorText).toBe('phone does not work abroad');
  });

  it('splits plain chats into sentences, the opening ones weighing more', () => {
    expect(splitSentences('Hi. I need a refund! When？ 我想退款。好的')).toEqual([
      'Hi.',
      'I need a refund!',
      'When？',
      '我想退款。',
      '好的',
    ]);
    const { segments, vectorText } = conversationQuery('Hello. My order is late. Thanks. Bye.', {
      embedWords: 3,
    });
    expect(segments.map((s) => s.text)).toEqual(['Hello.', 'My order is late.', 'Thanks.', 'Bye.']);
    const weights = segments.map((s) => s.weight);
    expect(weights[0]).toBeCloseTo(3, 5);
    for (let i = 1; i < weights.length; i++) expect(weights[i]!).toBeLessThan(weights[i - 1]!);
    expect(weights[weights.length - 1]!).toBeGreaterThan(1);
    // The opening is what the sentence encoder sees.
    expect(vectorText).toBe('Hello. My order');
  });
});

describe('searching with a whole chat', () => {
  let db: Database;
  const splitter = createJiebaWordSplitter();
  const article = publishedArticle;

  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t', 'Test')`);
    // As in real guideline bases, most articles repeat the verification routine: its words are
    // everywhere, so they say little about which article fits.
    const verify =
      'First verify the customer: full name or account ID, username, email address and order ID.';
    await ingestArticles({ db, embedder: null, splitter }, 't', [
      article(
        'refund-status',
        'Refund status',
        `${verify} Tell the customer when the refund for a returned item reaches their card: 5 to 7 business days after the warehouse receives it.`,
      ),
      article(
        'verify-identity',
        'Verify identity',
        `${verify} Confirm the zip code and phone number on file before any change to the account.`,
      ),
      article(
        'change-address',
        'Change an address',
        `${verify} Update the shipping address on the account with the new street address and zip code.`,
      ),
      article(
        'promo-code',
        'Promo code does not work',
        `${verify} Check the promo code expiry date. An expired code can be honoured once as a courtesy.`,
      ),
      article(
        'cancel-order',
        'Cancel an order',
        `${verify} An order can be cancelled until it ships; after that, offer a return.`,
      ),
    ]);
  });

  afterAll(async () => {
    await db.close();
  });

  it('ranks the article about the problem first even when verification talk fills most of the chat', async () => {
    const chat =
      'Hi, thanks for contacting us, how can I help today? I sent back a jacket two weeks ago and the refund has still not reached my card. ' +
      'I can help with that. Can I have your full name or account ID please? Sure, Maria Lopez. ' +
      'Thank you Maria. Can I also have your username and email address? mlopez, mlopez@email.com. ' +
      'And the order ID please? 4417720. ' +
      'Thanks for verifying your identity. Give me one moment to look at your account. ' +
      'Anything else I can help you with today? No, that is all. Have a great day!';
    const query = conversationQuery(chat);
    expect(query.segments.length).toBeGreaterThan(10);
    const results = await searchKnowledge(
      { db, embedder: null, splitter },
      { tenantId: 't', query: query.segments, limit: 3, log: false },
    );
    expect(results[0]?.articleId).toBe('refund-status');
  });
});
