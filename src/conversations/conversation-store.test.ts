import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../stores/database.js';
import { engines, openTestDatabase } from '../../test/support/test-database.js';
import { createConversationStore, type ConversationStore } from './conversation-store.js';

function utterance(seq: number, text: string) {
  return { kind: 'utterance' as const, seq, speaker: 'customer' as const, text };
}

describe.each(engines)('conversation store append (%s)', (engine) => {
  let db: Database;
  let store: ConversationStore;
  let opened = 0;

  async function openConversation() {
    const { conversation } = await store.open({
      tenantId: 't',
      externalId: `call-${++opened}`,
      channel: 'voice',
    });
    return conversation.id;
  }

  beforeAll(async () => {
    db = await openTestDatabase(engine);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t', 'Test')`);
    store = createConversationStore(db);
  });
  afterAll(async () => {
    await db.close();
  });

  it('stores the next item and tells a resend, a conflict, a gap and an ended conversation apart', async () => {
    const id = await openConversation();
    const stored = await store.append('t', id, utterance(1, 'hello'), 'h1');
    expect(stored).toMatchObject({
      status: 'stored',
      item: { kind: 'utterance', conversationId: id, seq: 1, speaker: 'customer', text: 'hello' },
      conversation: { id, lastSeq: 1, status: 'active' },
    });
    await store.append('t', id, { kind: 'action', seq: 2, action: 'hold', data: { s: 3 } }, 'h2');

    expect(await store.append('t', id, utterance(1, 'hello'), 'h1')).toEqual({
      status: 'duplicate',
      lastSeq: 2,
    });
    expect(await store.append('t', id, utterance(1, 'changed'), 'other')).toEqual({
      status: 'conflict',
      lastSeq: 2,
    });
    expect(await store.append('t', id, utterance(5, 'later'), 'h5')).toEqual({
      status: 'gap',
      expected: 3,
    });

    await store.end('t', id);
    expect(await store.append('t', id, utterance(3, 'too late'), 'h3')).toEqual({
      status: 'ended',
    });
    // An ended conversation still recognises what it already holds.
    expect(await store.append('t', id, utterance(2, 'x'), 'h2')).toEqual({
      status: 'duplicate',
      lastSeq: 2,
    });

    const items = await store.items(id);
    expect(items.map((item) => item.seq)).toEqual([1, 2]);
    expect(items[1]).toMatchObject({ kind: 'action', action: 'hold', data: { s: 3 } });
    expect(await store.getConversation('t', id)).toMatchObject({ lastSeq: 2, status: 'ended' });
  });

  it('refuses an item for a conversation of another tenant', async () => {
    const id = await openConversation();
    await expect(store.append('other', id, utterance(1, 'hi'), 'h1')).rejects.toThrow(/vanished/);
    expect(await store.items(id)).toEqual([]);
  });

  it('gives dense sequence numbers when several sockets append to one conversation at once', async () => {
    const id = await openConversation();
    const writers = 4;
    const perWriter = 5;
    // Each writer behaves like a connector: it proposes the next seq it believes in and follows
    // what the store answers.
    const claimed = await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        const mine: number[] = [];
        let next = 1;
        while (mine.length < perWriter) {
          const outcome = await store.append(
            't',
            id,
            utterance(next, `w${writer}-${mine.length}`),
            `w${writer}-${mine.length}`,
          );
          if (outcome.status === 'stored') {
            mine.push(outcome.item.seq);
            next = outcome.item.seq + 1;
          } else if (outcome.status === 'gap') next = outcome.expected;
          else if (outcome.status === 'conflict') next = outcome.lastSeq + 1;
          else throw new Error(`unexpected ${outcome.status}`);
        }
        return mine;
      }),
    );
    const total = writers * perWriter;
    expect(claimed.flat().sort((a, b) => a - b)).toEqual(
      Array.from({ length: total }, (_, i) => i + 1),
    );
    expect((await store.items(id)).map((item) => item.seq)).toEqual(
      Array.from({ length: total }, (_, i) => i + 1),
    );
    expect(await store.getConversation('t', id)).toMatchObject({ lastSeq: total });
  });

  it('calls a resend a duplicate even when the original was stored while it waited for the row', async () => {
    const id = await openConversation();
    // Another socket holds the conversation row and stores seq 1 while our resend of the same item
    // waits for it; on Postgres the resend's statement began before that item existed.
    const resend = await db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [id]);
      const waiting = store.append('t', id, utterance(1, 'hello'), 'h1');
      // The embedded engine queues the resend behind this transaction; a server runs it now.
      if (db.engine === 'postgres') await untilBlockedOnLock(tx);
      await tx.query(
        `INSERT INTO conversation_items (conversation_id, seq, tenant_id, kind, speaker, text, content_hash)
         VALUES ($1, 1, 't', 'utterance', 'customer', 'hello', 'h1')`,
        [id],
      );
      await tx.query('UPDATE conversations SET last_seq = 1 WHERE id = $1', [id]);
      // Wrapped so the transaction does not wait for the resend (which waits for the transaction).
      return { waiting };
    });
    expect(await resend.waiting).toEqual({ status: 'duplicate', lastSeq: 1 });
    expect((await store.items(id)).map((item) => item.seq)).toEqual([1]);
  });
});

async function untilBlockedOnLock(tx: { query: Database['query'] }) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await tx.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.waiting ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the append never waited for the row lock');
}
