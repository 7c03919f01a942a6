import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../stores/database.js';
import { engines, openTestDatabase } from '../../test/support/test-database.js';
import { createJiebaWordSplitter } from '../providers/jieba/jieba-word-splitter.js';
import { ingestArticles, type KnowledgeDeps } from './ingest.js';
import { searchKnowledge } from './search.js';
import { publishedArticle } from './testing/article-fixture.js';

/** What the triggers keep, against a recount from the postings and chunks themselves. */
async function statsDrift(db: Database, tenantId: string) {
  const { rows: terms } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT term, count(*)::int AS df FROM chunk_terms WHERE tenant_id = $1 GROUP BY term
       EXCEPT SELECT term, df FROM term_stats WHERE tenant_id = $1
       UNION ALL
       (SELECT term, df FROM term_stats WHERE tenant_id = $1
        EXCEPT SELECT term, count(*)::int FROM chunk_terms WHERE tenant_id = $1 GROUP BY term)) d`,
    [tenantId],
  );
  const { rows: chunks } = await db.query<{ kept: string; counted: string }>(
    `SELECT coalesce((SELECT chunks || '/' || total_terms FROM chunk_stats WHERE tenant_id = $1), '0/0') AS kept,
            (SELECT count(*) || '/' || coalesce(sum(term_count), 0) FROM chunks WHERE tenant_id = $1) AS counted`,
    [tenantId],
  );
  return { termRowsOff: terms[0]!.n, chunks: chunks[0]! };
}

/** The three best articles, reading at most `postingsPerTerm` postings per term (or all). */
function top3(
  deps: KnowledgeDeps,
  tenantId: string,
  query: string,
  postingsPerTerm: number | 'all',
) {
  return searchKnowledge(deps, {
    tenantId,
    query,
    limit: 3,
    log: false,
    useFeedback: false,
    postingsPerTerm,
  });
}

// Ten articles that all mention a refund; how much each is about it varies.
const refundArticles = Array.from({ length: 10 }, (_, i) =>
  publishedArticle(
    `a${i}`,
    `Article ${i}`,
    `${'refund '.repeat(i + 1)}The store credit policy covers item ${i} and delivery windows.`,
  ),
);

describe.each(engines)('keyword search statistics (%s)', (engine) => {
  let db: Database;
  let deps: KnowledgeDeps;

  beforeAll(async () => {
    db = await openTestDatabase(engine);
    await db.query(
      `INSERT INTO tenants (id, name) VALUES ('k1', 'Keywords'), ('k2', 'Other'), ('k3', 'Capped'), ('k4', 'Filtered')`,
    );
    deps = { db, embedder: null, splitter: createJiebaWordSplitter() };
  });
  afterAll(async () => {
    await db.close();
  });

  it('keeps document frequencies and chunk statistics exact through ingest, edits and deletes', async () => {
    await ingestArticles(deps, 'k1', refundArticles);
    await ingestArticles(deps, 'k2', refundArticles.slice(0, 3));
    expect(await statsDrift(db, 'k1')).toMatchObject({ termRowsOff: 0 });
    const before = await statsDrift(db, 'k1');
    expect(before.chunks.kept).toBe(before.chunks.counted);
    const { rows } = await db.query<{ df: number }>(
      `SELECT df FROM term_stats WHERE tenant_id = 'k1' AND term = 'refund'`,
    );
    expect(rows[0]?.df).toBe(10);

    // An edit replaces the article's chunks; a delete cascades to its postings.
    await ingestArticles(deps, 'k1', [
      publishedArticle('a0', 'Article 0', 'Roaming passes cost eight dollars a day abroad.'),
    ]);
    await db.query(`DELETE FROM articles WHERE tenant_id = 'k1' AND id = 'a9'`);
    const after = await statsDrift(db, 'k1');
    expect(after.termRowsOff).toBe(0);
    expect(after.chunks.kept).toBe(after.chunks.counted);
    const { rows: refund } = await db.query<{ df: number }>(
      `SELECT df FROM term_stats WHERE tenant_id = 'k1' AND term = 'refund'`,
    );
    expect(refund[0]?.df).toBe(8);
    // The other tenant's counts are its own.
    expect((await statsDrift(db, 'k2')).termRowsOff).toBe(0);
    const { rows: other } = await db.query<{ df: number }>(
      `SELECT df FROM term_stats WHERE tenant_id = 'k2' AND term = 'refund'`,
    );
    expect(other[0]?.df).toBe(3);
  });

  it('reads the strongest postings first, so a capped search keeps the best matches', async () => {
    const search = (postingsPerTerm: number | 'all') =>
      top3(deps, 'k1', 'how long does my refund take', postingsPerTerm);
    const exact = await search('all');
    const capped = await search(2);
    // a8 repeats "refund" most (a9 was deleted above): the exact top result, found with a cap
    // of two postings per term.
    expect(exact[0]?.articleId).toBe('a8');
    expect(capped.map((r) => r.articleId).slice(0, 2)).toEqual(
      exact.map((r) => r.articleId).slice(0, 2),
    );
    expect(capped[0]?.keywordScore).toBeCloseTo(exact[0]!.keywordScore, 6);
  });

  it('scores the candidates of a capped read exactly, including postings past the cap', async () => {
    // "delivery" has more postings than the cap; the one article that has both words is read
    // through "refund" only, and its "delivery" posting is past the cap.
    const filler = 'The policy page lists what the store does and when it does it.';
    await ingestArticles(deps, 'k3', [
      publishedArticle('d0', 'Refunds 0', `${'refund '.repeat(9)}${filler}`),
      publishedArticle('d1', 'Refunds 1', `${'refund '.repeat(9)}${filler}`),
      publishedArticle('m', 'Refund or delivery', `${'refund '.repeat(5)}delivery ${filler}`),
      ...Array.from({ length: 5 }, (_, i) =>
        publishedArticle(`e${i}`, `Delivery ${i}`, `${'delivery '.repeat(6)}${filler}`),
      ),
    ]);
    const exact = await top3(deps, 'k3', 'refund delivery', 'all');
    const capped = await top3(deps, 'k3', 'refund delivery', 3);
    expect(exact[0]?.articleId).toBe('m');
    expect(capped[0]?.articleId).toBe('m');
    // Without the exact re-read its score would count "refund" only.
    expect(capped[0]?.keywordScore).toBeCloseTo(exact[0]!.keywordScore, 6);
    expect(capped.map((r) => r.articleId)).toEqual(exact.map((r) => r.articleId));
  });

  it('finds what a selective filter allows even when stronger matches it excludes come first', async () => {
    // More English chunks about refunds than a search pools before filtering, each stronger
    // than the two Chinese-tagged ones: filtered to Chinese, the pool holds none of them.
    const english = Array.from({ length: 320 }, (_, i) =>
      publishedArticle(`en${i}`, `Refund ${i}`, `${'refund '.repeat(4)}item ${i}.`),
    );
    const chinese = ['zh0', 'zh1'].map((id) => ({
      ...publishedArticle(id, `退款 ${id}`, `退款 refund 说明 ${'政策 '.repeat(30)}`),
      language: 'zh',
    }));
    const { rows: wal } = await db.query<{ lsn: string }>(
      'SELECT pg_current_wal_lsn()::text AS lsn',
    );
    await ingestArticles(deps, 'k4', [...english, ...chinese]);
    if (engine === 'pglite') {
      // A bulk load checkpoints the embedded engine, which never does on its own: its WAL is
      // recycled instead of kept until the process closes.
      const { rows } = await db.query<{ moved: boolean }>(
        'SELECT $1::pg_lsn < redo_lsn AS moved FROM pg_control_checkpoint()',
        [wal[0]!.lsn],
      );
      expect(rows[0]?.moved).toBe(true);
    }
    const found = await searchKnowledge(deps, {
      tenantId: 'k4',
      query: 'refund',
      filters: { language: 'zh' },
      limit: 5,
      log: false,
      useFeedback: false,
    });
    expect(found.map((r) => r.articleId).sort()).toEqual(['zh0', 'zh1']);
  });
});
