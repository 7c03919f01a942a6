import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../stores/open-database.js';
import { migrate } from '../../stores/migrate.js';
import type { Database } from '../../stores/database.js';
import type { EventBody } from '../../conversations/events.js';
import {
  importResolutions,
  loadResolvedConversations,
  recordResolutionFeedback,
} from './resolution-store.js';

describe('resolution evidence', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t', 'T'), ('u', 'U')`);
    await db.query(
      `INSERT INTO conversations (id, tenant_id, external_id, channel) VALUES ('c1', 't', 'x1', 'chat')`,
    );
    await db.query(
      `INSERT INTO conversation_items (conversation_id, seq, tenant_id, kind, speaker, text, content_hash)
       VALUES ('c1', 1, 't', 'utterance', 'customer', 'my parcel is lost', 'h1'),
              ('c1', 2, 't', 'utterance', 'agent', 'let me check the tracking', 'h2')`,
    );
    // A reply suggestion as the event log stores it (typed by the event union).
    const reply: EventBody = {
      type: 'suggestion',
      seq: 1,
      suggestion: {
        kind: 'reply',
        suggestionId: 'r1',
        text: 'Lost parcels are re-sent.',
        source: 'template',
        citations: [{ articleId: 'resend', title: 'Re-sending a lost parcel' }],
        reason: 'cites the card',
      },
    };
    await db.query(
      `INSERT INTO events (tenant_id, conversation_id, type, seq, payload) VALUES ('t', 'c1', 'suggestion', 1, $1)`,
      [JSON.stringify(reply)],
    );
  });
  afterAll(async () => db.close());

  const feedback = (
    kind: 'article' | 'reply',
    verdict: 'used' | 'helpful' | 'not_helpful',
    more: object,
  ) =>
    recordResolutionFeedback(db, { tenantId: 't', conversationId: 'c1', kind, verdict, ...more });

  it('learns from helpful cards and used replies; a card marked not helpful cancels its use', async () => {
    await feedback('article', 'helpful', { articleId: 'tracking' });
    await feedback('reply', 'used', { suggestionId: 'r1' });
    await feedback('article', 'used', { articleId: 'refund' });
    await feedback('article', 'not_helpful', { articleId: 'refund' });
    await importResolutions(db, 't', [
      { id: 'old-1', text: 'password reset mail never came', articleIds: ['reset-password'] },
    ]);
    const resolved = await loadResolvedConversations(db, 't');
    expect(resolved.map((r) => [r.id, r.text, Object.fromEntries(r.articles)])).toEqual([
      ['old-1', 'password reset mail never came', { 'reset-password': 1 }],
      ['c1', 'my parcel is lost\nlet me check the tracking', { resend: 0.6, tracking: 1 }],
    ]);
    expect(await loadResolvedConversations(db, 'u')).toEqual([]);
    const { rows } = await db.query<{ version: number }>(
      `SELECT version::int AS version FROM config_versions WHERE tenant_id = 't' AND kind = 'resolutions'`,
    );
    expect(rows[0]!.version).toBeGreaterThanOrEqual(5);
  });

  it('learns from a used answer the articles it cited, as from a used reply', async () => {
    await db.query(
      `INSERT INTO conversations (id, tenant_id, external_id, channel) VALUES ('c2', 't', 'x2', 'voice')`,
    );
    await db.query(
      `INSERT INTO conversation_items (conversation_id, seq, tenant_id, kind, speaker, text, content_hash)
       VALUES ('c2', 1, 't', 'utterance', 'customer', '停电补偿怎么算', 'h3')`,
    );
    const answer: EventBody = {
      type: 'suggestion',
      seq: 1,
      suggestion: {
        kind: 'answer',
        suggestionId: 'a1',
        text: '断网超过24小时可减免当月费用。',
        claims: [{ text: '断网超过24小时可减免当月费用。', articleIds: ['zh-compensation'] }],
        source: 'extract',
        refused: false,
        citations: [{ articleId: 'zh-compensation', title: '断网赔偿' }],
        reason: 'quoted from the top passage',
      },
    };
    await db.query(
      `INSERT INTO events (tenant_id, conversation_id, type, seq, payload) VALUES ('t', 'c2', 'suggestion', 1, $1)`,
      [JSON.stringify(answer)],
    );
    await recordResolutionFeedback(db, {
      tenantId: 't',
      conversationId: 'c2',
      kind: 'answer',
      verdict: 'used',
      suggestionId: 'a1',
    });
    const resolved = await loadResolvedConversations(db, 't');
    expect(resolved.find((r) => r.id === 'c2')?.articles).toEqual(
      new Map([['zh-compensation', 0.6]]),
    );
  });
});
