import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../test/support/test-database.js';
import { openTestDatabase } from '../../test/support/test-database.js';
import type { Database, Queryable } from '../stores/database.js';
import { createEventLog, type EventFilter, type EventLog } from './event-log.js';
import type { CuecardEvent, EventBody } from './events.js';
import { formatPosition } from './event-position.js';

const marker = (label: string): EventBody => ({
  type: 'error',
  code: 'marker',
  message: label,
  retryable: false,
});
const labelOf = (event: CuecardEvent) => (event.type === 'error' ? event.message : event.type);

const scopes = {
  conversation: { tenantId: 't1', conversationId: 'c1' },
  agent: { tenantId: 't1', agentId: 'alice' },
  tenant: { tenantId: 't1' },
} satisfies Record<string, EventFilter>;

const conversationOf = { c1: 'alice', c2: 'bob' } as const;

/** A row written as another instance would: its own statement, maybe with an id taken earlier. */
async function insertRaw(db: Queryable, conversation: 'c1' | 'c2', label: string, id?: number) {
  await db.query(
    `INSERT INTO events (id, tenant_id, conversation_id, agent_id, type, payload)
     VALUES (coalesce($4::bigint, nextval('events_id_seq')), 't1', $1, $2, 'error', $3::jsonb)`,
    [conversation, conversationOf[conversation], JSON.stringify(marker(label)), id ?? null],
  );
}

/** Collects what a subscription delivers. */
async function follow(log: EventLog, filter: EventFilter, cursor: number | string | null) {
  const received: CuecardEvent[] = [];
  const { unsubscribe } = await log.subscribe(filter, cursor, (event) => received.push(event));
  return { received, unsubscribe };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every suffix of `stream`, read back from each of its positions, is exactly the rest. */
async function expectResumesExact(log: EventLog, filter: EventFilter, stream: CuecardEvent[]) {
  for (let index = 0; index < stream.length; index++) {
    const { received, unsubscribe } = await follow(log, filter, stream[index]!.position);
    unsubscribe();
    expect(received.map(labelOf)).toEqual(stream.slice(index + 1).map(labelOf));
  }
}

describe.each(engines)('event stream order (%s)', (engine) => {
  let db: Database;
  let log: EventLog;
  beforeEach(async () => {
    db = await openTestDatabase(engine);
    await db.exec(`INSERT INTO tenants (id, name) VALUES ('t1', 'T1');
      INSERT INTO conversations (id, tenant_id, external_id, channel, agent_id) VALUES
        ('c1', 't1', 'x1', 'voice', 'alice'), ('c2', 't1', 'x2', 'chat', 'bob')`);
    log = createEventLog(db);
  });
  afterEach(async () => {
    log.close();
    await db.close();
  });

  it('delivers an event that took a lower id but committed later after, not before, in every scope', async () => {
    await log.append({ tenantId: 't1', conversationId: 'c1', agentId: 'alice' }, [marker('first')]);
    const live = {
      conversation: await follow(log, scopes.conversation, 0),
      agent: await follow(log, scopes.agent, 0),
      tenant: await follow(log, scopes.tenant, 0),
    };
    // An id taken by a writer that commits after another one: ids now go backwards in commit order.
    const { rows } = await db.query<{ id: string }>("SELECT nextval('events_id_seq') AS id");
    const reserved = Number(rows[0]!.id);
    await log.append({ tenantId: 't1', conversationId: 'c1', agentId: 'alice' }, [
      marker('second'),
    ]);
    await log.append({ tenantId: 't1', conversationId: 'c2', agentId: 'bob' }, [marker('other')]);
    await insertRaw(db, 'c1', 'late', reserved);
    await log.publishCommitted();

    await until(() => live.conversation.received.length === 3, 'the late event');
    expect(live.conversation.received.map(labelOf)).toEqual(['first', 'second', 'late']);
    expect(live.agent.received.map(labelOf)).toEqual(['first', 'second', 'late']);
    expect(live.tenant.received.map(labelOf)).toEqual(['first', 'second', 'other', 'late']);
    const tenantStream = live.tenant.received;
    // The cursor field never goes backwards, although the late event's id does.
    const positions = tenantStream.map((event) => event.position!);
    expect([...positions].sort()).toEqual(positions);
    expect(tenantStream.at(-1)!.id).toBeLessThan(tenantStream[1]!.id!);

    for (const [name, filter] of Object.entries(scopes)) {
      await expectResumesExact(log, filter, live[name as keyof typeof live].received);
    }
    // A client that predates positions and resumes after the highest id it saw misses nothing.
    const legacy = await follow(
      log,
      scopes.conversation,
      Math.max(...tenantStream.map((e) => e.id!)),
    );
    legacy.unsubscribe();
    expect(legacy.received.map(labelOf)).toEqual(['late']);
    for (const subscription of Object.values(live)) subscription.unsubscribe();
  });

  it('orders transaction ids as numbers, also where they gain a digit', async () => {
    for (const [tx, label] of [
      [100, 'hundred'],
      [99, 'ninety-nine'],
      [10, 'ten'],
    ] as const) {
      await db.query(
        `INSERT INTO events (tx, tenant_id, conversation_id, agent_id, type, payload)
         VALUES ($1::text::xid8, 't1', 'c1', 'alice', 'error', $2::jsonb)`,
        [tx, JSON.stringify(marker(label))],
      );
    }
    const { received, unsubscribe } = await follow(log, scopes.tenant, 0);
    unsubscribe();
    expect(received.map(labelOf)).toEqual(['ten', 'ninety-nine', 'hundred']);
    await expectResumesExact(log, scopes.tenant, received);
  });

  it('keeps publishing after the database was restored on a server with lower transaction ids', async () => {
    // A row as a dump from another cluster brings it: its transaction id is ahead of this server's.
    const { rows } = await db.query<{ tx: string }>(
      'SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1000000)::text AS tx',
    );
    await db.query(
      `INSERT INTO events (tx, tenant_id, conversation_id, agent_id, type, payload)
       VALUES ($1::text::xid8, 't1', 'c1', 'alice', 'error', $2::jsonb)`,
      [rows[0]!.tx, JSON.stringify(marker('restored'))],
    );
    const { rows: restoredRow } = await db.query<{ id: string }>(
      'SELECT max(id) AS id FROM events',
    );
    const staleCursor = formatPosition({ tx: rows[0]!.tx, id: Number(restoredRow[0]!.id) });
    const restarted = createEventLog(db);
    try {
      const live = await follow(restarted, scopes.tenant, 0);
      await restarted.append({ tenantId: 't1', conversationId: 'c1', agentId: 'alice' }, [
        marker('new'),
      ]);
      await until(() => live.received.length === 2, 'the new event');
      expect(live.received.map(labelOf)).toEqual(['restored', 'new']);
      // A console that held the restored event's old position resumes right after it.
      const resumed = await follow(restarted, scopes.tenant, staleCursor);
      expect(resumed.received.map(labelOf)).toEqual(['new']);
      live.unsubscribe();
      resumed.unsubscribe();
    } finally {
      restarted.close();
    }
  });

  it.runIf(engine === 'postgres')(
    'holds back what committed after a still-open transaction, then delivers both in commit position order',
    async () => {
      const live = await follow(log, scopes.tenant, 0);
      const agent = await follow(log, scopes.agent, 0);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      // Writer 1 (its own connection) starts first and stays open; writer 2 commits meanwhile.
      const slow = db.transaction(async (tx) => {
        await tx.query('SELECT pg_current_xact_id()');
        opened();
        await gate;
        await insertRaw(tx, 'c1', 'slow');
      });
      await open;
      await log.append({ tenantId: 't1', conversationId: 'c1', agentId: 'alice' }, [
        marker('fast'),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Published now, "fast" would be followed by "slow", which sorts before it.
      expect(live.received).toEqual([]);
      expect(log.tailStats().heldNowMs).toBeGreaterThan(0);
      release();
      await slow;
      await until(() => live.received.length === 2 && agent.received.length === 2, 'both events');
      expect(live.received.map(labelOf)).toEqual(['slow', 'fast']);
      expect(agent.received.map(labelOf)).toEqual(['slow', 'fast']);
      expect(live.received[0]!.id).toBeGreaterThan(live.received[1]!.id!);
      await expectResumesExact(log, scopes.tenant, live.received);
      await expectResumesExact(log, scopes.agent, agent.received);
      live.unsubscribe();
      agent.unsubscribe();
    },
  );
});
