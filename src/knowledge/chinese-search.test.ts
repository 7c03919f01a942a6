import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../stores/database.js';
import { migrationsDir } from '../stores/migrate.js';
import { engines, openTestDatabase } from '../../test/support/test-database.js';
import { createJiebaWordSplitter } from '../providers/jieba/jieba-word-splitter.js';
import { ingestPath, type KnowledgeDeps } from './ingest.js';
import { searchKnowledge } from './search.js';

/**
 * Chinese and mixed Chinese/English search over the bundled bilingual knowledge base, as an
 * agent types it or a Mandarin call asks it (issue 18): paraphrases through characters, mixed
 * queries, and each language's article first for a query in that language.
 */
const bundled = path.resolve(import.meta.dirname, '../../knowledge/articles');

describe.each(engines)('Chinese keyword search (%s)', (engine) => {
  let db: Database;
  let deps: KnowledgeDeps;

  beforeAll(async () => {
    db = await openTestDatabase(engine);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('zh', 'Bilingual')`);
    deps = { db, embedder: null, splitter: createJiebaWordSplitter() };
    await ingestPath(deps, 'zh', bundled);
  });
  afterAll(async () => db.close());

  const search = (query: string, language?: string) =>
    searchKnowledge(deps, {
      tenantId: 'zh',
      query,
      limit: 3,
      log: false,
      useFeedback: false,
      ...(language ? { filters: { language } } : {}),
    });
  const top = async (query: string, language?: string) =>
    (await search(query, language)).map((result) => result.articleId);

  it('finds an article through the characters of words it does not use', async () => {
    // 退钱 and 住址 are in no article; 退款 (refund) and 地址 (address) are.
    expect((await top('退钱多久能到账', 'zh'))[0]).toBe('zh-billing-refunds');
    expect((await top('换了住址网络要重新装吗', 'zh')).slice(0, 3)).toContain('zh-moving-home');
    // 被扣 (jieba's word for "was deducted") is in no article; 扣款 and 扣费 are.
    const [first] = await search('被扣了两次', 'zh');
    expect(first?.articleId).toBe('zh-billing-dispute');
    expect(first?.matchedTerms).toContain('扣');
  });

  it('keeps a query about something no article covers unconfident', async () => {
    // 宠物 (pet) and 寄养 (boarding): neither word nor any of their characters is a topic here.
    const results = await search('宠物寄养', 'zh');
    expect(results.every((result) => result.confidence < 0.2)).toBe(true);
  });

  it('answers mixed Chinese and English queries', async () => {
    expect((await top('eSIM 怎么激活'))[0]).toBe('zh-devices-sim-esim');
    expect((await top('我的 invoice 有问题', 'zh')).slice(0, 3)).toContain(
      'zh-billing-understanding',
    );
  });

  it('ranks the article in the query’s language first when both languages cover the topic', async () => {
    const pairs = [
      [
        '手机丢了，号码怎么办',
        'zh-devices-sim-esim',
        'my phone was stolen, block my SIM',
        'devices-sim-and-esim',
      ],
      [
        '下个月去日本，出境流量怎么收费',
        'zh-roaming',
        'roaming charges in Japan next month',
        'plans-roaming-and-international',
      ],
      [
        '买的耳机不想要了，能退货吗',
        'zh-returns',
        'I want to return the headphones I bought',
        'returns-device-and-accessory-returns',
      ],
      [
        '搬家以后宽带怎么办',
        'zh-moving-home',
        'I am moving home, what happens to my internet',
        'account-moving-home',
      ],
    ] as const;
    for (const [chinese, chineseArticle, english, englishArticle] of pairs) {
      expect((await top(chinese))[0], chinese).toBe(chineseArticle);
      expect((await top(english))[0], english).toBe(englishArticle);
    }
  });

  it('gives chunks indexed before character postings the same postings by migration', async () => {
    const postings = async () =>
      (
        await db.query<{ chunk_id: string; term: string; tf: number }>(
          `SELECT chunk_id::text, term, tf FROM chunk_terms WHERE tenant_id = 'zh' AND term LIKE '~%'
            ORDER BY chunk_id, term`,
        )
      ).rows;
    const written = await postings();
    expect(written.length).toBeGreaterThan(100);
    await db.query(`DELETE FROM chunk_terms WHERE tenant_id = 'zh' AND term LIKE '~%'`);
    const migration = await readFile(
      path.join(migrationsDir, '0020_han_character_postings.sql'),
      'utf8',
    );
    await db.exec(migration);
    expect(await postings()).toEqual(written);
    const { rows } = await db.query<{ df: number }>(
      `SELECT df FROM term_stats WHERE tenant_id = 'zh' AND term = '~扣'`,
    );
    expect(rows[0]?.df).toBeGreaterThan(0);
  });
});
