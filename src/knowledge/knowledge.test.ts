import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../stores/open-database.js';
import { migrate } from '../stores/migrate.js';
import type { Database } from '../stores/database.js';
import type { EmbeddingModel } from '../providers/spec/embedding-model.js';
import { createUseEmbeddingModel } from '../providers/local/use-embedding-model.js';
import { createJiebaWordSplitter } from '../providers/jieba/jieba-word-splitter.js';
import { ingestPath, loadKnowledgeBaseIfEmpty, type KnowledgeDeps } from './ingest.js';
import { searchKnowledge } from './search.js';
import { recordFeedback, knowledgeGaps } from './feedback.js';

const article = (title: string, tags: string, body: string, language = 'en') =>
  `---\ntitle: ${title}\ntags: [${tags}]\nlanguage: ${language}\nowner: test\nstatus: published\n---\n${body}\n`;

const files: Record<string, string> = {
  'refunds.md': article(
    'Refund policy',
    'billing, refunds',
    'Refunds for a damaged item go back to the original card within 5 business days. Overpayments are always refunded in full.',
  ),
  'outage.md': article(
    'Checking for an outage',
    'outages',
    'Open the outage map with the service address. If the area has a known outage, tell the customer the estimated fix time.',
  ),
  'cancel.md': article(
    'Cancelling and retention offers',
    'plans',
    'Ask why the customer wants to cancel. Offer a loyalty discount when price is the reason. Never refuse a cancellation.',
  ),
  'roaming.md': article(
    'Roaming abroad',
    'plans, billing',
    'A travel pass costs 8 dollars per day abroad. Data roaming must be turned on in the phone settings.',
  ),
  'zh-refund.md': article(
    '退款政策',
    'billing',
    '重复付款的金额会全额退款，银行卡退款 3 至 5 个工作日到账。',
    'zh',
  ),
};

let dir: string;
let db: Database;
let embedCalls = 0;
let deps: KnowledgeDeps;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cuecard-kb-'));
  for (const [name, content] of Object.entries(files))
    await writeFile(path.join(dir, name), content);
  db = await openDatabase({});
  await migrate(db);
  await db.query(`INSERT INTO tenants (id, name) VALUES ('t1', 'Test'), ('t2', 'Other')`);
  // The real offline encoder: what production uses by default.
  const base = await createUseEmbeddingModel();
  const counting: EmbeddingModel = {
    ...base,
    embed: async (texts, options) => ((embedCalls += texts.length), base.embed(texts, options)),
  };
  deps = { db, embedder: counting, splitter: createJiebaWordSplitter() };
});

afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const search = (query: string, extra: Partial<Parameters<typeof searchKnowledge>[1]> = {}) =>
  searchKnowledge(deps, { tenantId: 't1', query, limit: 3, ...extra });

describe('knowledge base', () => {
  it('loads a folder on first start only, and finds the right article with highlighted words', async () => {
    const first = await loadKnowledgeBaseIfEmpty(deps, 't1', dir);
    expect(first).toMatchObject({ added: 5, retired: 0 });
    expect(await loadKnowledgeBaseIfEmpty(deps, 't1', dir)).toBeNull();

    const [top] = await search('my phone arrived damaged, I want a refund');
    expect(top?.articleId).toBe('refunds');
    expect(top?.highlighted).toContain('<mark>damaged</mark>');
    expect(top?.matchedTerms).toEqual(expect.arrayContaining(['refunds', 'damaged']));
    expect(top?.confidence).toBeGreaterThan(0.2);
  });

  it('keeps tenants apart and applies tag filters', async () => {
    expect(await searchKnowledge(deps, { tenantId: 't2', query: 'refund' })).toEqual([]);
    const results = await search('refund roaming travel pass', { filters: { tags: ['plans'] } });
    expect(results.map((r) => r.articleId)).not.toContain('refunds');
    expect(results[0]?.articleId).toBe('roaming');
  });

  it('searches Chinese by words split with jieba', async () => {
    const [top] = await search('我想问一下退款多久到账');
    expect(top?.articleId).toBe('zh-refund');
    expect(top?.highlighted).toContain('<mark>退款</mark>');
  });

  it('re-ingests idempotently: unchanged skipped, changed versioned, removed retired', async () => {
    const callsBefore = embedCalls;
    const again = await ingestPath(deps, 't1', dir);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 5, retired: 0 });
    expect(embedCalls).toBe(callsBefore);

    await writeFile(
      path.join(dir, 'outage.md'),
      article(
        'Checking for an outage',
        'outages',
        'Use the network status page; outages over 24 hours are credited automatically.',
      ),
    );
    await unlink(path.join(dir, 'cancel.md'));
    const changed = await ingestPath(deps, 't1', dir);
    expect(changed).toMatchObject({ updated: 1, unchanged: 3, retired: 1 });

    const versions = await db.query<{ version: number; change_note: string }>(
      `SELECT version, change_note FROM article_versions WHERE tenant_id = 't1' AND article_id = 'outage' ORDER BY version`,
    );
    expect(versions.rows.map((r) => r.version)).toEqual([1, 2]);
    expect((await search('network status page credited'))[0]?.articleId).toBe('outage');
    expect((await search('cancel loyalty discount')).map((r) => r.articleId)).not.toContain(
      'cancel',
    );
    expect(
      (await search('cancel loyalty discount', { filters: { status: ['retired'] } }))[0]?.articleId,
    ).toBe('cancel');
  });

  it('lets helpful and not-helpful feedback move a close ranking', async () => {
    // Keyword-only, so that the two articles' scores are close and known: each matches part of the
    // query (word order chosen so that no word pair matches).
    const keywordOnly = { ...deps, embedder: null };
    const run = (useFeedback = true) =>
      searchKnowledge(keywordOnly, {
        tenantId: 't1',
        query: 'pass refund travel',
        limit: 2,
        useFeedback,
      });
    const before = await run();
    expect(before.map((r) => r.articleId).sort()).toEqual(['refunds', 'roaming']);
    // Precondition: a close call, which is all feedback is meant to decide.
    expect(before[1]!.score / before[0]!.score).toBeGreaterThan(0.8);
    const [first, second] = before.map((r) => r.articleId) as [string, string];
    for (let i = 0; i < 4; i++) {
      await recordFeedback(db, {
        tenantId: 't1',
        articleId: second,
        kind: 'helpful',
        agentId: 'a1',
        conversationId: null,
      });
      await recordFeedback(db, {
        tenantId: 't1',
        articleId: first,
        kind: 'not_helpful',
        agentId: 'a1',
        conversationId: null,
      });
    }
    expect((await run()).map((r) => r.articleId)).toEqual([second, first]);
    // Feedback can be switched off (evaluations, A/B checks).
    expect((await run(false)).map((r) => r.articleId)).toEqual([first, second]);
    await expect(
      recordFeedback(db, {
        tenantId: 't1',
        articleId: 'nope',
        kind: 'used',
        agentId: null,
        conversationId: null,
      }),
    ).rejects.toThrow(/No article/);
  });

  it('logs weak searches and groups them into knowledge gaps', async () => {
    for (const query of ['pet insurance claim', 'pet insurance price', 'insurance for my pet'])
      await search(query);
    const gaps = await knowledgeGaps(db, { tenantId: 't1', maxScore: 0.3 });
    const pet = gaps.find((gap) => gap.terms.includes('pet'));
    expect(pet?.count).toBe(3);
    expect(pet?.examples.length).toBeGreaterThan(0);
    expect(pet?.terms).not.toContain('refund');
    expect(pet?.examples).toContain('pet insurance claim');
  });
});
