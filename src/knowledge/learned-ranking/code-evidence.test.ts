import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../stores/open-database.js';
import { migrate } from '../../stores/migrate.js';
import type { Database } from '../../stores/database.js';
import { createJiebaWordSplitter } from '../../providers/jieba/jieba-word-splitter.js';
import { ingestArticles } from '../ingest.js';
import { publishedArticle } from '../testing/article-fixture.js';
import { searchKnowledge, type SearchRequest } from '../search.js';
import { createResolutionRankers } from './resolution-rankers.js';
import {
  loadResolvedConversations,
  recordResolutionCode,
  recordResolutionFeedback,
} from './resolution-store.js';

/*
 * The confirmed wrap-up code as evidence, on the stored path: written as the confirmation writes
 * it, read back after a restart, taken in without a refit, scoped to its tenant, and without any
 * article evidence a ranking identical to hybrid search alone.
 */
const splitter = createJiebaWordSplitter();
const articles = [
  publishedArticle(
    'lost-parcel',
    'A parcel that never arrived',
    'When tracking has not moved for five days the parcel is lost: we send it again at no cost.',
  ),
  publishedArticle(
    'courier-missed',
    'When the courier did not come',
    'If the courier did not come on the delivery day, the delivery is rebooked for the next day.',
  ),
];
const newCall = 'the courier did not come today, where is my parcel?';

describe('confirmed codes as ranking evidence', () => {
  let db: Database;
  let seq = 0;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t', 'T'), ('u', 'U')`);
    for (const tenant of ['t', 'u'])
      await ingestArticles({ db, embedder: null, splitter }, tenant, articles);
  }, 120_000);
  afterAll(async () => db.close());

  /** A conversation with one customer turn, as ingest stores it. */
  async function conversation(tenantId: string, id: string, text: string) {
    await db.query(
      `INSERT INTO conversations (id, tenant_id, external_id, channel) VALUES ($1, $2, $1, 'chat')`,
      [id, tenantId],
    );
    await db.query(
      `INSERT INTO conversation_items (conversation_id, seq, tenant_id, kind, speaker, text, content_hash)
       VALUES ($1, 1, $2, 'utterance', 'customer', $3, $4)`,
      [id, tenantId, text, `h${++seq}`],
    );
  }

  const request = (tenantId: string): SearchRequest => ({
    tenantId,
    query: newCall,
    log: false,
    useFeedback: false,
  });
  const search = (tenantId: string, rankers?: ReturnType<typeof createResolutionRankers>) =>
    searchKnowledge({ db, embedder: null, splitter, resolutions: rankers }, request(tenantId));

  it('leaves the ranking exactly as hybrid search has it while codes have no article evidence', async () => {
    const rankers = createResolutionRankers({ db, debounceMs: 0 });
    const today = await search('u', undefined);
    // The courier article matches the words; the lost-parcel one is found too.
    expect(today.map((result) => result.articleId)).toEqual(['courier-missed', 'lost-parcel']);
    await conversation('u', 'u1', 'the courier never came and I waited all day');
    await recordResolutionCode(db, { tenantId: 'u', conversationId: 'u1', code: 'order_status' });
    expect(await search('u', rankers)).toEqual(today);
  });

  it('learns a code in place, keeps it over a restart, and only for its tenant', async () => {
    // One conversation of the code was resolved with the lost-parcel card (other words).
    await conversation('t', 't1', 'my package never arrived and tracking shows nothing');
    await recordResolutionFeedback(db, {
      tenantId: 't',
      conversationId: 't1',
      kind: 'article',
      verdict: 'helpful',
      articleId: 'lost-parcel',
    });
    await recordResolutionCode(db, { tenantId: 't', conversationId: 't1', code: 'order_status' });
    const rankers = createResolutionRankers({ db, debounceMs: 0 });
    const first = await rankers.rankerFor('t');
    expect(first).toMatchObject({ size: 1, coded: 1 });

    // Later conversations in the new call's words got the same code, no card.
    for (const [index, text] of [
      'the courier did not come today, where is my parcel',
      'where is my parcel, the courier did not come',
    ].entries()) {
      await conversation('t', `t-coded-${index}`, text);
      await recordResolutionCode(db, {
        tenantId: 't',
        conversationId: `t-coded-${index}`,
        code: 'order_status',
      });
    }
    rankers.refresh('t');
    await rankers.settled();
    const updated = await rankers.rankerFor('t');
    // Taken in without a refit: the same model, grown.
    expect(updated).toBe(first);
    expect(updated).toMatchObject({ size: 1, coded: 3 });
    const results = await search('t', rankers);
    expect(results[0]).toMatchObject({
      articleId: 'lost-parcel',
      resolvedBefore: { conversations: 1, examples: ['t1'], code: 'order_status' },
    });
    // A new process reads the same evidence back and refits on it: same order, same reasons
    // (scores differ a little: in place, the new conversations' words took an estimated weight).
    const restarted = createResolutionRankers({ db });
    const explained = (found: typeof results) =>
      found.map((result) => [result.articleId, result.resolvedBefore]);
    expect(explained(await search('t', restarted))).toEqual(explained(results));
    // Tenant u has its own codes and no article evidence: hybrid search alone.
    expect(await search('u', restarted)).toEqual(await search('u', undefined));
  });

  it('reads coded conversations back newest first, with or without article evidence', async () => {
    const stored = await loadResolvedConversations(db, 't');
    expect(stored.map((example) => [example.id, example.code, example.articles.size])).toEqual([
      ['t-coded-1', 'order_status', 0],
      ['t-coded-0', 'order_status', 0],
      ['t1', 'order_status', 1],
    ]);
    // A correction replaces the code.
    await recordResolutionCode(db, { tenantId: 't', conversationId: 't1', code: 'complaint' });
    const corrected = await loadResolvedConversations(db, 't');
    expect(corrected.find((example) => example.id === 't1')?.code).toBe('complaint');
  });
});
