import type { Database } from '../stores/database.js';
import type { Notifications } from '../stores/notifications.js';
import { errorSummary } from '../errors/error-summary.js';
import type { AnalysisEventBody, AnalyzerName } from '../pipeline/contract.js';
import {
  EPHEMERAL_EVENT_TYPES,
  EVENT_VERSION,
  type CuecardEvent,
  type EventBody,
} from './events.js';

/** Which events a subscriber wants. Tenant is always set: no subscription crosses tenants. */
export interface EventFilter {
  tenantId: string;
  conversationId?: string | undefined;
  agentId?: string | undefined;
}

export interface EventScope {
  tenantId: string;
  conversationId: string;
  agentId: string | null;
}

interface EventRow {
  id: number;
  tenant_id: string;
  conversation_id: string;
  agent_id: string | null;
  payload: EventBody;
  created_at: Date;
}

export function matches(filter: EventFilter, event: CuecardEvent): boolean {
  if (event.tenantId !== filter.tenantId) return false;
  if (filter.conversationId && event.conversationId !== filter.conversationId) return false;
  if (filter.agentId && event.agentId !== filter.agentId) return false;
  return true;
}

/** The most a reconnecting subscriber is replayed at once; past that it must page via REST. */
export const MAX_REPLAY = 5_000;
/** Catch-up reads this many events at a time until it reaches the present. */
const REPLAY_PAGE = 1_000;

/** Other instances sharing the database, reached through Postgres notifications. */
export interface EventRelay {
  /** This instance's name: the `application_name` of its database connections. */
  origin: string;
  notifications: Notifications;
  onError?: (error: unknown) => void;
}

const DURABLE_CHANNEL = 'cuecard_events';
const LIVE_CHANNEL = 'cuecard_live';
// Postgres refuses notification payloads of 8,000 bytes or more.
const MAX_LIVE_PAYLOAD = 7_900;
// Rows of concurrent writers can commit out of id order: each pull looks again this far below
// the highest id seen, for rows that committed late.
const RELAY_OVERLAP = 256;
const RELAY_PAGE = 1_000;

const keyOf = (conversationId: string, key: string) => `${conversationId}\u0000${key}`;
function takeKeyed(keyed: Map<string, number>, scope: EventScope, key: string) {
  const id = keyed.get(keyOf(scope.conversationId, key));
  keyed.delete(keyOf(scope.conversationId, key));
  return id;
}

/**
 * Inserts rows and answers their ids: keyed ones by (conversation, key), only those inserted now
 * (a key stored before is skipped); unkeyed ones in id order, which is the rows' order.
 */
async function insertEventRows(
  db: Database,
  values: readonly string[],
  params: readonly unknown[],
) {
  const { rows } = await db.query<{
    id: number;
    conversation_id: string;
    dedup_key: string | null;
  }>(
    `INSERT INTO events (tenant_id, conversation_id, agent_id, type, seq, payload, dedup_key)
     VALUES ${values.join(', ')}
     ON CONFLICT (conversation_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
     RETURNING id, conversation_id, dedup_key`,
    params as string[],
  );
  const keyed = new Map<string, number>();
  const unkeyed: number[] = [];
  for (const row of rows) {
    if (row.dedup_key === null) unkeyed.push(Number(row.id));
    else keyed.set(keyOf(row.conversation_id, row.dedup_key), Number(row.id));
  }
  unkeyed.sort((a, b) => a - b);
  return { keyed, unkeyed };
}

function rowToEvent(row: EventRow): CuecardEvent {
  return {
    v: EVENT_VERSION,
    id: row.id,
    tenantId: row.tenant_id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    at: new Date(row.created_at).toISOString(),
    ...row.payload,
  };
}

/**
 * The event log: every durable event is written to Postgres first and then published to the
 * live subscribers of this process, in id order. Ephemeral previews skip the database.
 */
export function createEventLog(
  db: Database,
  options: { logger?: { warn(details: Record<string, unknown>, message: string): void } } = {},
) {
  const listeners = new Set<(event: CuecardEvent) => void>();
  // One writer at a time (`drain`) keeps publication order equal to id order in this process.

  const insertEvents = (values: readonly string[], params: readonly unknown[]) =>
    insertEventRows(db, values, params);

  function publish(event: CuecardEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken subscriber must not stop the others, nor the writer that published.
        options.logger?.warn(
          { conversationId: event.conversationId, event: event.type, err: errorSummary(error) },
          'event listener failed',
        );
      }
    }
  }

  interface PendingAppend {
    scope: EventScope;
    bodies: readonly EventBody[];
    /** Parallel to `bodies`: a key that makes the event's insert a no-op once it is stored. */
    keys: readonly (string | null)[] | undefined;
    resolve: (events: CuecardEvent[]) => void;
    reject: (error: unknown) => void;
  }

  /**
   * Writes the durable events of several appends in one INSERT, then publishes all of them in
   * append order. One statement per batch instead of per append: on the embedded engine every
   * statement is a round trip to the database thread, and at a few hundred live conversations
   * appends queue up behind each other (docs/decisions/0004).
   */
  async function write(batch: readonly PendingAppend[]): Promise<CuecardEvent[][]> {
    const at = new Date().toISOString();
    const params: unknown[] = [];
    const values: string[] = [];
    for (const { scope, bodies, keys } of batch) {
      bodies.forEach((body, index) => {
        if (EPHEMERAL_EVENT_TYPES.has(body.type)) return;
        const seq = 'seq' in body && typeof body.seq === 'number' ? body.seq : null;
        params.push(
          scope.tenantId,
          scope.conversationId,
          scope.agentId,
          body.type,
          seq,
          JSON.stringify(body),
          keys?.[index] ?? null,
        );
        const base = params.length - 7;
        values.push(`(${Array.from({ length: 7 }, (_, i) => `$${base + i + 1}`).join(', ')})`);
      });
    }
    const stored =
      values.length > 0
        ? await insertEvents(values, params)
        : { keyed: new Map<string, number>(), unkeyed: [] };
    const written = batch.map(({ scope, bodies, keys }) =>
      bodies.flatMap((body, index): CuecardEvent[] => {
        let id: number | null = null;
        if (!EPHEMERAL_EVENT_TYPES.has(body.type)) {
          const key = keys?.[index] ?? null;
          // Taken once: the same key twice in a batch stores (and publishes) one event.
          const found = key === null ? stored.unkeyed.shift() : takeKeyed(stored.keyed, scope, key);
          // A keyed event stored by an earlier attempt of the same work: already published then.
          if (found === undefined) return [];
          id = found;
        }
        return [
          {
            v: EVENT_VERSION,
            id,
            tenantId: scope.tenantId,
            conversationId: scope.conversationId,
            agentId: scope.agentId,
            at,
            ...body,
          },
        ];
      }),
    );
    for (const events of written) {
      for (const event of events) publish(event);
      if (relay) forwardEphemeral(relay, events);
    }
    return written;
  }

  // Group commit: appends that arrive while a write is in flight go out together next.
  const waiting: PendingAppend[] = [];
  let draining = false;
  const MAX_BATCH = 100;

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting.splice(0, MAX_BATCH);
        try {
          const written = await write(batch);
          batch.forEach((entry, index) => entry.resolve(written[index]!));
        } catch {
          // One bad append must not fail the others queued with it: each alone, in order; the
          // batch's error is dropped because each append's own error reaches its caller.
          for (const entry of batch) {
            await write([entry]).then(([events]) => entry.resolve(events!), entry.reject);
          }
        }
      }
    } finally {
      draining = false;
    }
  }

  // ---- relay: events written by other instances on the same database ------------------------
  let relay: EventRelay | null = null;
  let remoteCursor = 0;
  const remoteSeen = new Set<number>();
  let pulling: Promise<void> | null = null;
  let pullAgain = false;

  /** Publishes rows other instances wrote since the last pull, each once, oldest first. */
  function pullRemote(): Promise<void> {
    if (pulling) {
      pullAgain = true;
      return pulling;
    }
    const origin = relay!.origin;
    pulling = (async () => {
      do {
        pullAgain = false;
        const from = Math.max(0, remoteCursor - RELAY_OVERLAP);
        const { rows: ids } = await db.query<{ id: number }>(
          'SELECT id FROM events WHERE id > $1 AND origin <> $2 ORDER BY id LIMIT $3',
          [from, origin, RELAY_PAGE + RELAY_OVERLAP],
        );
        const fresh = ids.map((row) => row.id).filter((id) => !remoteSeen.has(id));
        if (fresh.length > 0) {
          const { rows } = await db.query<EventRow>(
            `SELECT id, tenant_id, conversation_id, agent_id, payload, created_at FROM events
             WHERE id = ANY($1::bigint[]) ORDER BY id`,
            [fresh],
          );
          for (const row of rows) {
            remoteSeen.add(row.id);
            publish(rowToEvent(row));
          }
        }
        const last = ids[ids.length - 1]?.id;
        if (last !== undefined) remoteCursor = Math.max(remoteCursor, last);
        for (const id of remoteSeen) if (id <= remoteCursor - RELAY_OVERLAP) remoteSeen.delete(id);
        if (ids.length >= RELAY_PAGE + RELAY_OVERLAP) pullAgain = true;
      } while (pullAgain);
    })()
      .catch((error: unknown) => relay?.onError?.(error))
      .finally(() => {
        pulling = null;
      });
    return pulling;
  }

  function forwardEphemeral(target: EventRelay, events: readonly CuecardEvent[]): void {
    for (const event of events) {
      if (event.id !== null) continue;
      const payload = JSON.stringify({ origin: target.origin, event });
      // Too big for a notification: it stays with this instance's subscribers.
      if (Buffer.byteLength(payload) >= MAX_LIVE_PAYLOAD) continue;
      target.notifications.notify(LIVE_CHANNEL, payload).catch((error: unknown) => {
        target.onError?.(error);
      });
    }
  }

  function receiveLive(origin: string, payload: string): void {
    try {
      const message = JSON.parse(payload) as { origin?: string; event?: CuecardEvent };
      if (message.origin !== origin && message.event) publish(message.event);
    } catch (error) {
      relay?.onError?.(error);
    }
  }

  return {
    /**
     * Stores (unless ephemeral) and publishes events; resolves once they are durable. `keys`,
     * parallel to `bodies`, name events that work may write again on a retry (durable work):
     * an event whose key the conversation already has is neither stored nor published again, and
     * is left out of the answer.
     */
    append(
      scope: EventScope,
      bodies: readonly EventBody[],
      keys?: readonly (string | null)[],
    ): Promise<CuecardEvent[]> {
      if (bodies.length === 0) return Promise.resolve([]);
      return new Promise<CuecardEvent[]>((resolve, reject) => {
        waiting.push({ scope, bodies, keys, resolve, reject });
        if (!draining) void drain();
      });
    },

    /** Durable events after `cursor` (exclusive) that match, oldest first. */
    async since(filter: EventFilter, cursor: number, limit = MAX_REPLAY): Promise<CuecardEvent[]> {
      const where = ['tenant_id = $1', 'id > $2'];
      const params: (string | number)[] = [filter.tenantId, cursor];
      if (filter.conversationId) {
        params.push(filter.conversationId);
        where.push(`conversation_id = $${params.length}`);
      }
      if (filter.agentId) {
        params.push(filter.agentId);
        where.push(`agent_id = $${params.length}`);
      }
      params.push(limit);
      const { rows } = await db.query<EventRow>(
        `SELECT id, tenant_id, conversation_id, agent_id, payload, created_at FROM events
         WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.length}`,
        params,
      );
      return rows.map(rowToEvent);
    },

    /**
     * The stored `analysis` events of one conversation (of one analyzer, if named), in log
     * order: what finalizers and reviews read of the live turns.
     */
    async analyses<N extends AnalyzerName = AnalyzerName>(
      scope: { tenantId: string; conversationId: string },
      analyzer?: N,
    ): Promise<Extract<AnalysisEventBody, { analyzer: N }>[]> {
      const { rows } = await db.query<{ payload: Extract<AnalysisEventBody, { analyzer: N }> }>(
        `SELECT payload FROM events
          WHERE tenant_id = $1 AND conversation_id = $2 AND type = 'analysis'
            AND ($3::text IS NULL OR payload->>'analyzer' = $3)
          ORDER BY id`,
        [scope.tenantId, scope.conversationId, analyzer ?? null],
      );
      return rows.map((row) => row.payload);
    },

    /**
     * Live subscription with catch-up: events after `cursor` are replayed from the database,
     * then live ones follow with nothing missed or doubled. `cursor: null` means live only.
     */
    async subscribe(
      filter: EventFilter,
      cursor: number | null,
      deliver: (event: CuecardEvent) => void,
    ): Promise<{ unsubscribe: () => void; replayed: number; truncated: boolean }> {
      let live = false;
      const buffered: CuecardEvent[] = [];
      // Durable events up to here came from the replay; one relayed late is not sent twice.
      let replayedUpTo = 0;
      const listener = (event: CuecardEvent) => {
        if (!matches(filter, event)) return;
        if (!live) buffered.push(event);
        else if (event.id === null || event.id > replayedUpTo) deliver(event);
      };
      // Listen first, then read: an event written in between is in the buffer, not lost.
      listeners.add(listener);
      let lastId = cursor ?? Number.MAX_SAFE_INTEGER;
      let replayed = 0;
      // Kept in the reply for older clients: catch-up now always reaches the present.
      const truncated = false;
      if (cursor !== null) {
        // Catch-up is paged to the end, however far behind the cursor is: a subscriber never
        // gets live events after a hole it cannot find (it was capped at 5,000 before).
        lastId = cursor;
        for (;;) {
          const page = await this.since(filter, lastId, REPLAY_PAGE);
          for (const event of page) deliver(event);
          replayed += page.length;
          lastId = page[page.length - 1]?.id ?? lastId;
          if (page.length < REPLAY_PAGE) break;
        }
      }
      for (const event of buffered) {
        if (cursor === null || event.id === null || event.id > lastId) deliver(event);
      }
      if (cursor !== null) replayedUpTo = lastId;
      live = true;
      return { unsubscribe: () => listeners.delete(listener), replayed, truncated };
    },

    /**
     * Also publishes what other instances write to the same database (Postgres only): their
     * durable events are read back from the table when they notify, their ephemeral ones
     * (interim previews, reply deltas) arrive in the notification itself.
     */
    async startRelay(options: EventRelay): Promise<void> {
      const { rows } = await db.query<{ id: number | null }>('SELECT max(id) AS id FROM events');
      remoteCursor = rows[0]?.id ?? 0;
      relay = options;
      await options.notifications.listen(DURABLE_CHANNEL, (payload) => {
        // "<origin> <max id>": our own writes are published already.
        if (payload.slice(0, payload.lastIndexOf(' ')) !== options.origin) void pullRemote();
      });
      await options.notifications.listen(LIVE_CHANNEL, (payload) =>
        receiveLive(options.origin, payload),
      );
    },

    /** Reads what other instances wrote while notifications were down (after a reconnect). */
    catchUp(): Promise<void> {
      return relay ? pullRemote() : Promise.resolve();
    },

    listenerCount(): number {
      return listeners.size;
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
