import type { Database, Queryable } from '../stores/database.js';
import { errorSummary } from '../errors/error-summary.js';
import { EVENT_VERSION, type CuecardEvent, type EventBody } from './events.js';
import {
  comparePositions,
  formatPosition,
  START_POSITION,
  parsePosition,
  type EventPosition,
} from './event-position.js';
import type { EventFilter } from './event-log.js';

/**
 * Reading the event log in delivery order. A row's position is (tx, id): the transaction that
 * wrote it, then its id. A row is *publishable* once tx < the oldest transaction still running
 * (`pg_snapshot_xmin`): every transaction that could still commit a smaller position has ended,
 * so what is published never has to be followed by something that sorts before it. On the
 * embedded engine (one connection, no transaction open while we read) every committed row is.
 */
const HORIZON = 'pg_snapshot_xmin(pg_current_snapshot())';

export interface EventRow {
  id: number;
  tx: string;
  tenant_id: string;
  conversation_id: string;
  agent_id: string | null;
  payload: EventBody;
  created_at: Date;
}

// `tx` comes back as text (64 bits); ORDER BY must name `events.tx`, or it would sort that text.
const COLUMNS = 'id, tx::text AS tx, tenant_id, conversation_id, agent_id, payload, created_at';

export function rowToEvent(row: EventRow): CuecardEvent {
  return {
    v: EVENT_VERSION,
    id: Number(row.id),
    position: formatPosition({ tx: row.tx, id: Number(row.id) }),
    tenantId: row.tenant_id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    at: new Date(row.created_at).toISOString(),
    ...row.payload,
  };
}

/**
 * The WHERE conditions of a subscriber scope (tenant, and conversation or agent when set); their
 * values are appended to `params`, whose numbering they continue.
 */
export function scopeConditions(filter: EventFilter, params: (string | number)[]): string[] {
  const where: string[] = [];
  params.push(filter.tenantId);
  where.push(`tenant_id = $${params.length}`);
  if (filter.conversationId) {
    params.push(filter.conversationId);
    where.push(`conversation_id = $${params.length}`);
  }
  if (filter.agentId) {
    params.push(filter.agentId);
    where.push(`agent_id = $${params.length}`);
  }
  return where;
}

/**
 * Publishable rows after `after` that match `filter` (every row when null), in position order.
 * Each scope reads through its own index (migrations/0016_event_positions.sql).
 */
export async function readPublishable(
  db: Queryable,
  filter: EventFilter | null,
  after: EventPosition,
  limit: number,
): Promise<EventRow[]> {
  const params: (string | number)[] = [after.tx, after.id];
  const where = [`(tx, id) > ($1::xid8, $2::bigint)`, `tx < ${HORIZON}`];
  if (filter) where.push(...scopeConditions(filter, params));
  params.push(limit);
  const { rows } = await db.query<EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')}
      ORDER BY events.tx, events.id LIMIT $${params.length}`,
    params,
  );
  return rows;
}

/**
 * A reader that wants only some event types (the webhook fan-out): the next `limit` publishable
 * rows after `after`, with the payloads of those of `types` (others come back without one), and
 * the position of the last row looked at, where the next read starts.
 */
export async function readPublishableOfTypes(
  db: Queryable,
  after: EventPosition,
  types: readonly string[],
  limit: number,
): Promise<{ rows: EventRow[]; last: EventPosition | null }> {
  const { rows } = await db.query<Omit<EventRow, 'payload'> & { payload: EventBody | null }>(
    `SELECT id, tx::text AS tx, tenant_id, conversation_id, agent_id, created_at,
            CASE WHEN type = ANY ($3::text[]) THEN payload END AS payload
       FROM events WHERE (tx, id) > ($1::xid8, $2::bigint) AND tx < ${HORIZON}
      ORDER BY events.tx, events.id LIMIT $4`,
    [after.tx, after.id, [...types], limit],
  );
  const tail = rows.at(-1);
  return {
    rows: rows.filter((row): row is EventRow => row.payload !== null),
    last: tail ? { tx: tail.tx, id: Number(tail.id) } : null,
  };
}

/** The last publishable position (where a reader that wants no history starts). */
export async function lastPublishablePosition(db: Queryable): Promise<EventPosition> {
  const { rows } = await db.query<{ tx: string; id: number }>(
    `SELECT tx::text AS tx, id FROM events WHERE tx < ${HORIZON}
      ORDER BY events.tx DESC, events.id DESC LIMIT 1`,
  );
  return rows[0] ? { tx: rows[0].tx, id: Number(rows[0].id) } : START_POSITION;
}

/**
 * The position just before the stored event `id` (a cursor from a client that predates
 * positions): replay from there yields that event's successors in delivery order. For an id that
 * is not stored (0, or removed), the position before every row with a higher id; a client that
 * kept the highest id it saw may get some events again (same ids), never miss one.
 */
export async function positionOfId(db: Queryable, id: number): Promise<EventPosition> {
  if (id <= 0) return { tx: '0', id: 0 };
  const { rows } = await db.query<{ tx: string }>(
    'SELECT tx::text AS tx FROM events WHERE id = $1',
    [id],
  );
  if (rows[0]) return { tx: rows[0].tx, id };
  const { rows: later } = await db.query<{ tx: string }>(
    `SELECT least((SELECT min(tx) FROM events WHERE id > $1), ${HORIZON})::text AS tx`,
    [id],
  );
  return { tx: later[0]!.tx, id: 0 };
}

/**
 * Rows whose transaction id this server has not reached yet were written on another server (a
 * dump restored into a new cluster starts its transaction ids low again): they would sort after
 * everything written from now on and hide it. They move to the start of the order, keeping their
 * id order. Nothing matches on a database that was never moved; any instance may do it, twice is
 * harmless.
 */
async function rebaseRestoredRows(db: Queryable): Promise<void> {
  await db.query(
    `UPDATE events SET tx = '1'::xid8 WHERE tx >= pg_snapshot_xmax(pg_current_snapshot())`,
  );
}

/** Whether a client's position names a transaction this server has not reached (see above). */
export async function isFromAnotherServer(db: Queryable, position: EventPosition) {
  const { rows } = await db.query<{ future: boolean }>(
    'SELECT $1::xid8 >= pg_snapshot_xmax(pg_current_snapshot()) AS future',
    [position.tx],
  );
  return rows[0]?.future === true;
}

export interface TailLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface EventTailOptions {
  /** Called once per durable event, in position order. */
  publish(event: CuecardEvent): void;
  logger?: TailLogger | undefined;
  /** While rows wait behind the horizon, look again this often. Default 25 ms. */
  heldPollMs?: number;
  /** Otherwise look anyway this often (a notification lost, a commit nobody announced). 1 s. */
  idlePollMs?: number;
  /** A horizon held this long is logged (and again when it moves). Default 1 s. */
  heldWarnMs?: number;
}

const TAIL_PAGE = 1_000;

/**
 * The live stream of one process: reads the next publishable rows of every tenant in position
 * order and publishes them, after a local commit, a notification from another instance, or a
 * poll. Everything published here is published once, in order; a subscriber's replay joins it
 * at a position (`EventLog.subscribe`).
 */
export function createEventTail(db: Database, options: EventTailOptions) {
  const heldPollMs = options.heldPollMs ?? 25;
  const idlePollMs = options.idlePollMs ?? 1_000;
  const heldWarnMs = options.heldWarnMs ?? 1_000;
  let cursor: EventPosition | null = null;
  let starting: Promise<EventPosition> | null = null;
  let waiters: Array<() => void> = [];
  let running = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const held = {
    tx: null as string | null,
    since: null as number | null,
    warned: false,
    longestMs: 0,
  };
  let published = 0;

  /** Where the live stream starts: after everything publishable when the process came up. */
  function ready(): Promise<EventPosition> {
    if (cursor) return Promise.resolve(cursor);
    starting ??= rebaseRestoredRows(db)
      .then(() =>
        db.query<{ tx: string; id: number }>(
          `SELECT tx::text AS tx, id FROM events WHERE tx < ${HORIZON}
            ORDER BY events.tx DESC, events.id DESC LIMIT 1`,
        ),
      )
      .then(
        ({ rows }) => {
          cursor ??= rows[0] ? { tx: rows[0].tx, id: Number(rows[0].id) } : { tx: '0', id: 0 };
          return cursor;
        },
        (error: unknown) => {
          starting = null; // the next call tries again
          throw error;
        },
      );
    return starting;
  }

  // Events this process wrote and the tail has not published yet, by id: the tail reads only
  // the positions of its own rows back, not their payloads (4× the appends/s on PGlite).
  const written = new Map<number, CuecardEvent>();

  async function pass(): Promise<void> {
    let after = await ready();
    for (;;) {
      const { rows } = await db.query<{ id: number; tx: string }>(
        `SELECT id, tx::text AS tx FROM events
          WHERE (tx, id) > ($1::xid8, $2::bigint) AND tx < ${HORIZON}
          ORDER BY events.tx, events.id LIMIT $3`,
        [after.tx, after.id, TAIL_PAGE],
      );
      const others = await readByIds(
        rows.map((row) => Number(row.id)).filter((id) => !written.has(id)),
      );
      for (const row of rows) {
        const id = Number(row.id);
        const event = written.get(id) ?? others.get(id);
        after = { tx: row.tx, id };
        cursor = after;
        written.delete(id);
        // Gone between the two reads (deleted): nothing to publish.
        if (!event) continue;
        published++;
        options.publish(event);
      }
      if (rows.length < TAIL_PAGE) break;
    }
    // Written in a transaction that rolled back: they will never come.
    for (const event of written.values()) {
      if (comparePositions(parsePosition(event.position!)!, after) <= 0) written.delete(event.id!);
    }
    // One connection, no transaction open while we read: nothing can wait behind the horizon.
    if (db.engine === 'postgres') await checkHorizon();
  }

  /**
   * Notes a committed row that waits for an older transaction, and for how long: the age of the
   * oldest waiting row (from when a read first saw it), not of a busy stream's constant churn.
   */
  async function checkHorizon(): Promise<void> {
    const { rows } = await db.query<{ held: string | null; horizon: string }>(
      `SELECT (SELECT min(tx) FROM events WHERE tx >= ${HORIZON})::text AS held,
              ${HORIZON}::text AS horizon`,
    );
    const now = Date.now();
    const waiting = rows[0]?.held ?? null;
    if (waiting === held.tx) {
      if (waiting === null || held.since === null) return;
      const heldMs = now - held.since;
      if (heldMs >= heldWarnMs && !held.warned) {
        held.warned = true;
        options.logger?.warn(
          { heldMs, horizonTx: rows[0]?.horizon },
          'event stream held back: a database transaction older than stored events is still open',
        );
      }
      return;
    }
    if (held.since !== null) {
      const heldMs = now - held.since;
      held.longestMs = Math.max(held.longestMs, heldMs);
      if (held.warned) options.logger?.warn({ heldMs }, 'event stream moving again');
    }
    held.tx = waiting;
    held.since = waiting === null ? null : now;
    held.warned = false;
  }

  async function loop(): Promise<void> {
    running = true;
    try {
      while (waiters.length > 0 && !closed) {
        const current = waiters;
        waiters = [];
        try {
          await pass();
        } catch (error) {
          // Nothing is lost: the cursor stays, and the next wake or poll reads from it again.
          options.logger?.warn({ err: errorSummary(error) }, 'event tail read failed');
        }
        for (const resolve of current) resolve();
      }
    } finally {
      running = false;
      for (const resolve of closed ? waiters.splice(0) : []) resolve();
      schedulePoll();
    }
  }

  function schedulePoll(): void {
    clearTimeout(timer);
    if (closed) return;
    timer = setTimeout(() => void wake(), held.since !== null ? heldPollMs : idlePollMs);
    timer.unref();
  }

  /** Reads and publishes what became publishable; resolves after a read that began after the call. */
  function wake(): Promise<void> {
    if (closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      waiters.push(resolve);
      if (!running) void loop();
    });
  }

  async function readByIds(ids: number[]): Promise<Map<number, CuecardEvent>> {
    if (ids.length === 0) return new Map();
    const { rows } = await db.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((row) => [Number(row.id), rowToEvent(row)]));
  }

  return {
    ready,
    wake,
    /** Stored events this process just wrote (with their positions), to publish in their turn. */
    expect(events: readonly CuecardEvent[]): void {
      for (const event of events)
        if (event.id !== null && event.position) written.set(event.id, event);
    },
    /** Counters for benchmarks and health: events published, horizon held now / at most (ms). */
    stats() {
      const heldNowMs = held.since === null ? 0 : Date.now() - held.since;
      return { published, heldNowMs, longestHeldMs: Math.max(held.longestMs, heldNowMs) };
    },
    close(): void {
      closed = true;
      clearTimeout(timer);
    },
  };
}

export type EventTail = ReturnType<typeof createEventTail>;
