import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../stores/database.js';
import { engines, openTestDatabase } from '../../test/support/test-database.js';
import { createJiebaWordSplitter } from '../providers/jieba/jieba-word-splitter.js';
import { ingestPath, type KnowledgeDeps } from './ingest.js';
import { searchKnowledge, type QuerySegment } from './search.js';
import { readBridgeGroups, withBridgedTerms } from './term-bridge.js';

/**
 * Mandarin calls name a topic in words the Chinese articles do not use (issue 18): English words
 * inside Chinese speech ("roaming 要怎么开"), the English name of the call's intent ("billing
 * dispute"), a colloquial word for the article's one (被扣 for 扣款). Real splitter, real search,
 * the bundled bilingual base, Chinese articles only, as a Mandarin call's cards search.
 */
const bundled = path.resolve(import.meta.dirname, '../../knowledge/articles');

describe.each(engines)('term bridge over the bundled base (%s)', (engine) => {
  let db: Database;
  let deps: KnowledgeDeps;

  beforeAll(async () => {
    db = await openTestDatabase(engine);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('zh', 'Bilingual')`);
    deps = { db, embedder: null, splitter: createJiebaWordSplitter() };
    await ingestPath(deps, 'zh', bundled);
  });
  afterAll(async () => db.close());

  const search = (query: string | QuerySegment[], language?: string) =>
    searchKnowledge(deps, {
      tenantId: 'zh',
      query,
      limit: 3,
      log: false,
      useFeedback: false,
      ...(language ? { filters: { language } } : {}),
    });
  const first = async (query: string | QuerySegment[], language?: string) =>
    (await search(query, language))[0]?.articleId;

  it('reads an English word said inside Chinese speech as the Chinese article’s word', async () => {
    // The article says 漫游, never "roaming"; 退款, never "refund".
    expect(await first('roaming 要怎么开？', 'zh')).toBe('zh-roaming');
    expect(await first('那个 refund 多久能到？', 'zh')).toBe('zh-billing-refunds');
  });

  it('lets the English name of the call’s intent find the Chinese article', async () => {
    // The analyzer adds the live intent as a query segment; on a Mandarin call it is English.
    const turn = '你好，我这个月的宽带费被扣了两次，每次都是八十九块，太气人了！';
    expect(
      await first(
        [
          { text: turn, weight: 1 },
          { text: 'billing dispute', weight: 0.8 },
        ],
        'zh',
      ),
    ).toBe('zh-billing-dispute');
  });

  it('reads a colloquial word through the article’s synonyms', async () => {
    // 被扣 and 两次 ("deducted", "twice") are in no article; 扣款, 扣费 and 重复 are.
    const [result] = await search('宽带费被扣了两次', 'zh');
    expect(result?.articleId).toBe('zh-billing-dispute');
  });

  it('keeps an English search on English articles', async () => {
    expect(await first('roaming charges in Japan next month')).toBe(
      'plans-roaming-and-international',
    );
    expect(await first('I want a refund for the duplicate charge')).toMatch(/^billing-/);
  });

  it('does not read a determiner as a topic: 每个月 is not the plan article’s price table', async () => {
    // "每个 月" (each month) used to match plan-change's 每个月 as a word pair and lead.
    expect(await first('你好，我想把家里的宽带取消掉，每个月一百二十九块太贵了。', 'zh')).toBe(
      'zh-cancellation-retention',
    );
  });
});

describe('withBridgedTerms', () => {
  const bridge = new Map([
    ['roam', ['漫游']],
    ['refund', ['退款', '退钱']],
    ['退钱', ['refund', '退款']],
  ]);
  const said = (...words: string[]) => new Map(words.map((word) => [word, 1]));

  it('translates a word into the query’s main language at its weight, as part of it', () => {
    const terms = withBridgedTerms(
      [{ term: 'roam', weight: 1 }],
      said('roam', '日本', '出差', '开'),
      bridge,
    );
    expect(terms).toContainEqual({ term: '漫游', weight: 1, partOf: 'roam' });
  });

  it('adds Chinese synonyms at half the word’s weight', () => {
    const terms = withBridgedTerms([], said('退钱', '多久'), bridge);
    expect(terms).toContainEqual({ term: '退款', weight: 0.5, partOf: '退钱' });
    expect(terms.map((t) => t.term)).not.toContain('refund');
  });

  it('leaves a query in one language alone, and never re-adds a word the query has', () => {
    expect(withBridgedTerms([{ term: 'refund', weight: 1 }], said('refund'), bridge)).toEqual([
      { term: 'refund', weight: 1 },
    ]);
    const terms = withBridgedTerms(
      [{ term: '退款', weight: 1 }],
      said('refund', '退款', '多久'),
      bridge,
    );
    expect(terms.map((t) => t.term)).toEqual(['退款', '退钱']);
  });

  it('reads the groups of the data file, skipping comments and single words', () => {
    expect(readBridgeGroups('# note\nroaming\t漫游\n\nlonely\n')).toEqual([['roaming', '漫游']]);
  });
});
