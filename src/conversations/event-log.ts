import type { Database } from '../stores/database.js';
import type { Notifications } from '../stores/notifications.js';
import { errorSummary } from '../errors/error-summary.js';
import { CuecardError } from '../errors/cuecard-error.js';
import type { AnalysisResultBody, AnalyzerName } from '../pipeline/contract.js';
import {
  EPHEMERAL_EVENT_TYPES,
  EVENT_VERSION,
  type CuecardEvent,
  type EventBody,
} from './events.js';
import {
  comparePositions,
  formatPosition,
  parsePosition,
  type EventPosition,
} from './event-position.js';
import {
  createEventTail,
  isFromAnotherServer,
  positionOfId,
  readPublishable,
  scopeConditions,
  rowToEvent,
  type EventRow,
} from './event-tail.js';

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

/**
 * Where a subscriber resumes: a position token from an event's `position`, or (clients that
 * predate positions) an event id, 0 meaning from the start.
 */
export type EventCursor = number | string;

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
const keyOf = (conversationId: string, key: string) => `${conversationId}\u0000${key}`;
function takeKeyed(keyed: Map<string, EventPosition>, scope: EventScope, key: string) {
  const position = keyed.get(keyOf(scope.conversationId, key));
  keyed.delete(keyOf(scope.conversationId, key));
  return position;
}

/**
 * Inserts rows and answers their positions: keyed ones by (conversation, key), only those
 * inserted now (a key stored before is skipped); unkeyed ones in position order, which is the
 * rows' order.
 */
async function insertEventRows(
  db: Database,
  values: readonly string[],
  params: readonly unknown[],
) {
  const { rows } = await db.query<{
    id: number;
    tx: string;
    conversation_id: string;
    dedup_key: string | null;
  }>(
    `INSERT INTO events (tenant_id, conversation_id, agent_id, type, seq, payload, dedup_key)
     VALUES ${values.join(', ')}
     ON CONFLICT (conversation_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
     RETURNING id, tx::text AS tx, conversation_id, dedup_key`,
    params as string[],
  );
  const keyed = new Map<string, EventPosition>();
  const unkeyed: EventPosition[] = [];
  for (const row of rows) {
    const position = { tx: row.tx, id: Number(row.id) };
    if (row.dedup_key === null) unkeyed.push(position);
    else keyed.set(keyOf(row.conversation_id, row.dedup_key), position);
  }
  unkeyed.sort(comparePositions);
  return { keyed, unkeyed };
}

/**
 * The event log: every durable event is written to Postgres first; the process's tail
 * (event-tail.ts) reads stored events back in commit order, whoever wrote them, and publishes
 * them to the live subscribers of this process. Ephemeral previews skip the database.
 */
export function createEventLog(
  db: Database,
  options: { logger?: { warn(details: Record<string, unknown>, message: string): void } } = {},
) {
  const listeners = new Set<(event: CuecardEvent) => void>();

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

  const tail = createEventTail(db, { publish, logger: options.logger });
  // Starts the live stream now (and its polling), so nothing stored from here on is missed.
  void tail.wake();

  interface PendingAppend {
    scope: EventScope;
    bodies: readonly EventBody[];
    /** Parallel to `bodies`: a key that makes the event's insert a no-op once it is stored. */
    keys: readonly (string | null)[] | undefined;
    resolve: (events: CuecardEvent[]) => void;
    reject: (error: unknown) => void;
  }

  /**
   * Writes the durable events of several appends in one INSERT and hands them to the tail,
   * which publishes them in commit order with whatever else committed (`settle`). One statement
   * per batch instead of per append: on the embedded engine every statement is a round trip to
   * the database thread, and at a few hundred live conversations appends queue up behind each
   * other (docs/decisions/0004).
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
        ? // Stored events are published by the tail, which must start before they commit.
          await tail.ready().then(() => insertEvents(values, params))
        : { keyed: new Map<string, EventPosition>(), unkeyed: [] };
    const written = batch.map(({ scope, bodies, keys }) =>
      bodies.flatMap((body, index): CuecardEvent[] => {
        let position: EventPosition | undefined;
        if (!EPHEMERAL_EVENT_TYPES.has(body.type)) {
          const key = keys?.[index] ?? null;
          // Taken once: the same key twice in a batch stores (and publishes) one event.
          position = key === null ? stored.unkeyed.shift() : takeKeyed(stored.keyed, scope, key);
          // A keyed event stored by an earlier attempt of the same work: published then.
          if (position === undefined) return [];
        }
        return [
          {
            v: EVENT_VERSION,
            id: position?.id ?? null,
            position: position ? formatPosition(position) : null,
            tenantId: scope.tenantId,
            conversationId: scope.conversationId,
            agentId: scope.agentId,
            at,
            ...body,
          },
        ];
      }),
    );
    for (const events of written) tail.expect(events);
    return written;
  }

  // Publication of written batches, in write order; the next INSERT need not wait for it.
  let publishing = Promise.resolve();

  /**
   * Once the tail has read past a written batch (its stored events are published, in commit
   * order with everyone else's), publishes the batch's previews and resolves its appends.
   */
  function settle(written: CuecardEvent[][], resolve: () => void): void {
    const read = written.some((events) => events.some((event) => event.id !== null))
      ? tail.wake()
      : Promise.resolve();
    publishing = publishing
      .then(() => read)
      .then(() => {
        for (const events of written) {
          for (const event of events) if (event.id === null) publish(event);
          if (relay) forwardEphemeral(relay, events);
        }
        resolve();
      });
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
          settle(written, () => batch.forEach((entry, index) => entry.resolve(written[index]!)));
        } catch {
          // One bad append must not fail the others queued with it: each alone, in order; the
          // batch's error is dropped because each append's own error reaches its caller.
          for (const entry of batch) {
            await write([entry]).then(
              (written) => settle(written, () => entry.resolve(written[0]!)),
              entry.reject,
            );
          }
        }
      }
    } finally {
      draining = false;
    }
  }

  // ---- relay: other instances on the same database ------------------------------------------
  let relay: EventRelay | null = null;

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

  /** A client's cursor as a position; ids are looked up (clients that predate positions). */
  async function resolveCursor(cursor: EventCursor): Promise<EventPosition> {
    if (typeof cursor === 'number') return positionOfId(db, cursor);
    const position = parsePosition(cursor);
    if (!position) {
      throw new CuecardError('validation_failed', 'cursor is not an event position.', {
        field: 'cursor',
      });
    }
    // Handed out before the database moved to another server: its id still says where it was.
    if (await isFromAnotherServer(db, position)) return positionOfId(db, position.id);
    return position;
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

    /**
     * Durable events with an id above `cursor` that match, by id (REST paging). Ids follow
     * insertion, not commit: a live reader resumes by position (`subscribe`, `after`).
     */
    async since(filter: EventFilter, cursor: number, limit = MAX_REPLAY): Promise<CuecardEvent[]> {
      const params: (string | number)[] = [cursor];
      const where = ['id > $1', ...scopeConditions(filter, params)];
      params.push(limit);
      const { rows } = await db.query<EventRow>(
        `SELECT id, tx::text AS tx, tenant_id, conversation_id, agent_id, payload, created_at
           FROM events WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.length}`,
        params,
      );
      return rows.map(rowToEvent);
    },

    /**
     * The stored `analysis` events of one conversation (of one analyzer, if named), in log
     * order: what finalizers and reviews read of the live turns. Notices that an analyzer did
     * not run (`unsupported_language`) are left out: they are no results to read.
     */
    async analyses<N extends AnalyzerName = AnalyzerName>(
      scope: { tenantId: string; conversationId: string },
      analyzer?: N,
    ): Promise<Extract<AnalysisResultBody, { analyzer: N }>[]> {
      const { rows } = await db.query<{ payload: Extract<AnalysisResultBody, { analyzer: N }> }>(
        `SELECT payload FROM events
          WHERE tenant_id = $1 AND conversation_id = $2 AND type = 'analysis'
            AND ($3::text IS NULL OR payload->>'analyzer' = $3)
            AND NOT (payload->'result' ? 'unsupported_language')
          ORDER BY id`,
        [scope.tenantId, scope.conversationId, analyzer ?? null],
      );
      return rows.map((row) => row.payload);
    },

    /**
     * Events after `position` that match and are publishable, in delivery order: what a
     * subscriber resuming there is replayed.
     */
    async after(filter: EventFilter, position: EventPosition, limit = MAX_REPLAY) {
      return (await readPublishable(db, filter, position, limit)).map(rowToEvent);
    },

    /**
     * Live subscription with catch-up: events after `cursor` (a position, or a legacy event id)
     * are replayed from the database in delivery order, then live ones follow with nothing
     * missed or doubled. `cursor: null` means live only.
     */
    async subscribe(
      filter: EventFilter,
      cursor: EventCursor | null,
      deliver: (event: CuecardEvent) => void,
    ): Promise<{ unsubscribe: () => void; replayed: number; truncated: boolean }> {
      const from = cursor === null ? null : await resolveCursor(cursor);
      // The live stream must have started: a row it counts as past would be in no replay.
      await tail.ready();
      let live = false;
      const buffered: CuecardEvent[] = [];
      // Durable events up to here came from the replay: the live stream resumes after it.
      let replayedUpTo = from;
      const isNew = (event: CuecardEvent) =>
        event.position === null ||
        replayedUpTo === null ||
        comparePositions(parsePosition(event.position)!, replayedUpTo) > 0;
      const listener = (event: CuecardEvent) => {
        if (!matches(filter, event)) return;
        if (!live) buffered.push(event);
        else if (isNew(event)) deliver(event);
      };
      // Listen first, then read: an event published in between is in the buffer, not lost; one
      // published before was publishable when the replay read, so the replay has it.
      listeners.add(listener);
      let replayed = 0;
      // Kept in the reply for older clients: catch-up always reaches the present.
      const truncated = false;
      if (replayedUpTo !== null) {
        // Paged to the end, however far behind the cursor is.
        for (;;) {
          const page = await this.after(filter, replayedUpTo, REPLAY_PAGE);
          for (const event of page) deliver(event);
          replayed += page.length;
          const last = page[page.length - 1]?.position;
          if (last) replayedUpTo = parsePosition(last)!;
          if (page.length < REPLAY_PAGE) break;
        }
      }
      for (const event of buffered) if (isNew(event)) deliver(event);
      live = true;
      return { unsubscribe: () => listeners.delete(listener), replayed, truncated };
    },

    /**
     * Also publishes what other instances write to the same database (Postgres only): their
     * durable events are read back from the table when they notify, their ephemeral ones
     * (interim previews, reply deltas) arrive in the notification itself.
     */
    async startRelay(options: EventRelay): Promise<void> {
      relay = options;
      // Any instance's commit (ours too: a write inside a caller's transaction commits after
      // `append` returns) may have made rows publishable.
      await options.notifications.listen(DURABLE_CHANNEL, () => void tail.wake());
      await options.notifications.listen(LIVE_CHANNEL, (payload) =>
        receiveLive(options.origin, payload),
      );
    },

    /** Reads what other instances wrote while notifications were down (after a reconnect). */
    catchUp(): Promise<void> {
      return tail.wake();
    },

    /** Publishes what is publishable now, e.g. after committing events written in a transaction. */
    publishCommitted(): Promise<void> {
      return tail.wake();
    },

    /** Horizon and publication counters of the live tail. */
    tailStats() {
      return tail.stats();
    },

    /** Stops the tail's polling (the service is closing). */
    close(): void {
      tail.close();
    },

    listenerCount(): number {
      return listeners.size;
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;
