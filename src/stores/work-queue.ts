import type { Database, Queryable } from './database.js';
import { CuecardError } from '../errors/cuecard-error.js';

/**
 * Durable work on Postgres or embedded PGlite (decision 0008). Work is a row of `work_items`
 * written in the caller's own transaction, so "accept an item" and "analyse it later" commit or
 * roll back together. Any instance claims rows under a lease that it renews while it works; a
 * lease that runs out lets any other instance take the row over. Rows of one key (a conversation)
 * are claimed strictly in `seq` order, one at a time: a row is claimable only once every earlier
 * row of its key is finished. A claim is an attempt, and (id, attempt) fences every later write
 * of that attempt: a holder whose lease was taken over can no longer complete or fail the row.
 *
 * A finished row keeps the name of the instance that finished it in `lease_owner` (its lease
 * ends with `lease_expires_at`), which shows how work spread over the instances.
 *
 * Delivery is at least once (an instance can die after its work took effect and before it
 * completed the row), so handlers must be idempotent, e.g. results upserted by
 * (conversation, seq, analyzer); completing the row in the same transaction as the results makes
 * it exactly once in effect.
 */
export interface WorkItemInput {
  kind: string;
  /** Ordering key: the rows of one key are claimed one at a time, in `seq` order. */
  key: string;
  seq: number;
  /** With `kind`, names the piece of work: enqueuing the same pair again is a no-op. */
  dedupKey: string;
  payload?: Record<string, unknown>;
  /** Claims allowed before the row is given up as failed (default 5). */
  maxAttempts?: number;
  /** Not claimable before this many milliseconds from now. */
  delayMs?: number;
}

export interface ClaimedWorkItem {
  id: number;
  kind: string;
  key: string;
  seq: number;
  payload: Record<string, unknown>;
  /** 1 on the first claim; with `id`, the fencing token of this lease. */
  attempt: number;
  maxAttempts: number;
  /** How long ago the row was enqueued, by the database's clock (instances' clocks may differ). */
  ageMs: number;
}

/** `retry`: claimable again after a back-off; `failed`: given up; `lease_lost`: not ours any more. */
export type FailOutcome = 'retry' | 'failed' | 'lease_lost';

export interface WorkQueueOptions {
  /** Who holds a lease: the instance (and worker) name; shows in `work_items.lease_owner`. */
  owner: string;
  /** How long a claim lasts without a heartbeat (default 15 s). */
  leaseMs?: number;
  /** Back-off before attempt `attempt + 1` after a failure (default 0.5 s doubling, at most 60 s). */
  retryDelayMs?: (attempt: number) => number;
}

export interface WorkQueue {
  readonly owner: string;
  readonly leaseMs: number;
  /** Claims the oldest claimable row (optionally of these kinds), or answers null. */
  claim(kinds?: readonly string[]): Promise<ClaimedWorkItem | null>;
  /** Claims up to `limit` of the oldest claimable rows, each of a different key. */
  claimMany(limit: number, kinds?: readonly string[]): Promise<ClaimedWorkItem[]>;
  /** Renews the lease; false when the row was taken over or finished meanwhile. */
  heartbeat(item: ClaimedWorkItem): Promise<boolean>;
  /**
   * Marks the row done; false when this attempt no longer holds it. Pass the transaction that
   * writes the work's results to make both one commit.
   */
  complete(item: ClaimedWorkItem, tx?: Queryable): Promise<boolean>;
  /** Records a failure: retried after a back-off, or failed for good after `maxAttempts`. */
  fail(item: ClaimedWorkItem, errorCode: string): Promise<FailOutcome>;
  /** Deletes finished rows older than this (their de-duplication ends with them). */
  purgeFinished(olderThanMs: number): Promise<number>;
  /**
   * Start-up recovery: makes the leases of `owner` (or, with `'all'`, every lease) claimable at
   * once instead of when they expire. Embedded PGlite has one process per data folder, so every
   * lease found at start belongs to a process that died: release them all. On a shared server
   * only an instance's own name is safe to release (a stable `CUECARD_INSTANCE_ID`). Each
   * released row's next claim is a new attempt, so the dead holder's attempt stays fenced out.
   */
  releaseLeases(owner: string | 'all'): Promise<number>;
  /** Hands a row back unfinished (a quick stop): claimable by anyone at once. */
  release(item: ClaimedWorkItem): Promise<boolean>;
  /** Rows not finished yet (claimable, leased or waiting for a retry), of these kinds if given. */
  pendingCount(kinds?: readonly string[]): Promise<number>;
}

interface ClaimedRow {
  id: number;
  kind: string;
  queue_key: string;
  seq: number;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  age_ms: number;
}

/**
 * Enqueues in the caller's transaction; answers the row id, or null when (kind, dedupKey) was
 * enqueued before. The notification is sent at commit only, never for a rolled-back enqueue.
 * Invariant: a key's rows must be enqueued in `seq` order by transactions that commit in that
 * order (the conversation row lock guarantees it for items); a row committed later with a lower
 * seq than one already claimed would not stop that claim.
 */
export async function enqueueWork(tx: Queryable, item: WorkItemInput): Promise<number | null> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO work_items (kind, queue_key, seq, dedup_key, payload, max_attempts, run_after)
     VALUES ($1, $2, $3, $4, $5, $6, now() + $7::int * interval '1 millisecond')
     ON CONFLICT (kind, dedup_key) DO NOTHING
     RETURNING id`,
    [
      item.kind,
      item.key,
      item.seq,
      item.dedupKey,
      item.payload ?? {},
      item.maxAttempts ?? 5,
      Math.max(0, Math.round(item.delayMs ?? 0)),
    ],
  );
  const id = rows[0]?.id ?? null;
  if (id !== null) await tx.query(`SELECT ${notifyWork}`);
  return id;
}

/**
 * Sent at commit with every enqueue; the payload names the enqueuing instance (its connections'
 * application name), which wakes its own runner directly and need not hear itself.
 */
export const WORK_CHANNEL = 'cuecard_work';
const notifyWork = `pg_notify('${WORK_CHANNEL}', current_setting('application_name'))`;

/**
 * Enqueuing inside another statement, for writes that are one statement on purpose (the item
 * append: decision 0004). Answers two CTE definitions to put in its WITH list: `name` inserts a
 * row for each row of the CTE `source` (expressions over its columns; `kind` is a constant), and
 * `name_notified` notifies; the statement must read `notified` (e.g. as a column) or Postgres
 * skips that CTE.
 */
export function enqueueWorkCtes(
  name: string,
  source: string,
  work: { kind: string; key: string; seq: string; dedupKey: string; payload: string },
): { ctes: string; notified: string } {
  if (!/^[a-z][a-z-]*$/.test(work.kind)) throw new Error(`bad work kind ${work.kind}`);
  return {
    ctes: `${name} AS (
    INSERT INTO work_items (kind, queue_key, seq, dedup_key, payload)
    SELECT '${work.kind}', ${work.key}, ${work.seq}, ${work.dedupKey}, ${work.payload} FROM ${source}
    ON CONFLICT (kind, dedup_key) DO NOTHING
    RETURNING id
  ),
  ${name}_notified AS (SELECT ${notifyWork} FROM ${name})`,
    notified: `(SELECT count(*) FROM ${name}_notified)`,
  };
}

/**
 * Completing a claimed row inside another statement (as `complete`, fenced the same way), so that
 * the work's results and its completion are one statement — one round trip, no transaction
 * holding the embedded engine's only connection. The CTE `name` returns the row if completed;
 * its parameters are $1–$3.
 */
export function completionCte(
  name: string,
  item: ClaimedWorkItem,
  owner: string,
): { name: string; cte: string; params: [number, string, number] } {
  return {
    name,
    cte: `${name} AS (${completeSql} RETURNING id)`,
    params: [item.id, owner, item.attempt],
  };
}

// The key check reads only pending rows through work_items_pending_key. Rows another claim is
// locking are skipped, and a row whose predecessor is still pending (claimed or not) is never a
// candidate, so two claims can never hold rows of one key at the same time, and the rows of one
// claim are of different keys. MATERIALIZED: evaluated once, never re-run per row of the update.
const claimSql = `
WITH next AS MATERIALIZED (
  SELECT w.id FROM work_items w
  WHERE w.state = 'pending' AND w.run_after <= now()
    AND (w.lease_expires_at IS NULL OR w.lease_expires_at < now())
    AND ($3::text[] IS NULL OR w.kind = ANY ($3::text[]))
    AND NOT EXISTS (
      SELECT 1 FROM work_items p
      WHERE p.state = 'pending' AND p.queue_key = w.queue_key AND (p.seq, p.id) < (w.seq, w.id))
  ORDER BY w.run_after, w.id
  LIMIT $4
  FOR UPDATE SKIP LOCKED
)
UPDATE work_items w
SET lease_owner = $1, lease_expires_at = now() + $2::int * interval '1 millisecond',
    attempts = w.attempts + 1
FROM next WHERE w.id = next.id
RETURNING w.id, w.kind, w.queue_key, w.seq, w.payload, w.attempts, w.max_attempts,
  (extract(epoch FROM now() - w.created_at) * 1000)::float8 AS age_ms`;

const ownedBy = `id = $1 AND lease_owner = $2 AND attempts = $3 AND state = 'pending'`;
/** Completes a row, fenced by ($1 id, $2 owner, $3 attempt); the finisher's name stays. */
const completeSql = `UPDATE work_items SET state = 'done', finished_at = now(), lease_expires_at = NULL
  WHERE ${ownedBy}`;

export function createWorkQueue(db: Database, options: WorkQueueOptions): WorkQueue {
  const leaseMs = options.leaseMs ?? 15_000;
  const retryDelayMs =
    options.retryDelayMs ?? ((attempt: number) => Math.min(60_000, 500 * 2 ** (attempt - 1)));
  const owner = options.owner;
  const fence = (item: ClaimedWorkItem) => [item.id, owner, item.attempt];

  const queue: WorkQueue = {
    owner,
    leaseMs,
    async claim(kinds) {
      return (await queue.claimMany(1, kinds))[0] ?? null;
    },
    async claimMany(limit, kinds) {
      for (;;) {
        const { rows } = await db.query<ClaimedRow>(claimSql, [
          owner,
          leaseMs,
          kinds ? [...kinds] : null,
          Math.max(1, Math.floor(limit)),
        ]);
        const claimed: ClaimedWorkItem[] = [];
        let gaveUp = false;
        for (const row of rows) {
          const item: ClaimedWorkItem = {
            id: row.id,
            kind: row.kind,
            key: row.queue_key,
            seq: row.seq,
            payload: row.payload,
            attempt: row.attempts,
            maxAttempts: row.max_attempts,
            ageMs: Math.max(0, Number(row.age_ms)),
          };
          if (item.attempt <= item.maxAttempts) {
            claimed.push(item);
            continue;
          }
          // Every allowed attempt ended with its holder gone (a crash loop, e.g. an item that
          // kills the process): give it up so the rest of its key can go on.
          await db.query(
            `UPDATE work_items SET state = 'failed', finished_at = now(), lease_owner = NULL,
               lease_expires_at = NULL, last_error = 'lease_expired'
             WHERE ${ownedBy}`,
            fence(item),
          );
          gaveUp = true;
        }
        // Only given-up rows: their successors may be claimable now.
        if (claimed.length > 0 || !gaveUp) return claimed;
      }
    },
    async heartbeat(item) {
      const { affectedRows } = await db.query(
        `UPDATE work_items SET lease_expires_at = now() + $4::int * interval '1 millisecond'
         WHERE ${ownedBy}`,
        [...fence(item), leaseMs],
      );
      return affectedRows === 1;
    },
    async complete(item, tx) {
      const { affectedRows } = await (tx ?? db).query(completeSql, fence(item));
      return affectedRows === 1;
    },
    async fail(item, errorCode) {
      // A retried row stays pending, so the later rows of its key keep waiting: order holds.
      const { rows } = await db.query<{ state: 'pending' | 'failed' }>(
        `UPDATE work_items SET
           state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
           finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
           run_after = now() + $4::int * interval '1 millisecond',
           lease_owner = NULL, lease_expires_at = NULL, last_error = $5
         WHERE ${ownedBy}
         RETURNING state`,
        [...fence(item), Math.round(retryDelayMs(item.attempt)), errorCode],
      );
      const state = rows[0]?.state;
      return state === undefined ? 'lease_lost' : state === 'failed' ? 'failed' : 'retry';
    },
    async purgeFinished(olderThanMs) {
      const { affectedRows } = await db.query(
        `DELETE FROM work_items
         WHERE state <> 'pending' AND finished_at < now() - $1::int * interval '1 millisecond'`,
        [Math.round(olderThanMs)],
      );
      return affectedRows;
    },
    async release(item) {
      const { affectedRows } = await db.query(
        `UPDATE work_items SET lease_owner = NULL, lease_expires_at = NULL WHERE ${ownedBy}`,
        fence(item),
      );
      return affectedRows === 1;
    },
    async pendingCount(kinds) {
      const { rows } = await db.query<{ count: number | string }>(
        `SELECT count(*) AS count FROM work_items
         WHERE state = 'pending' AND ($1::text[] IS NULL OR kind = ANY ($1::text[]))`,
        [kinds ? [...kinds] : null],
      );
      return Number(rows[0]?.count ?? 0);
    },
    async releaseLeases(whose) {
      const { affectedRows } = await db.query(
        `UPDATE work_items SET lease_owner = NULL, lease_expires_at = NULL
         WHERE state = 'pending' AND lease_owner IS NOT NULL AND ($1::text IS NULL OR lease_owner = $1)`,
        [whose === 'all' ? null : whose],
      );
      return affectedRows;
    },
  };
  return queue;
}

export interface WorkRunnerOptions {
  queue: WorkQueue;
  /** Items handled at once by this runner (default 2). */
  concurrency?: number;
  kinds?: readonly string[];
  /** Poll when idle (default 1 s): the floor under `wake()` (LISTEN cuecard_work, or in-process). */
  pollMs?: number;
  /**
   * Does the work. `signal` aborts when the lease was lost (another instance took the row over)
   * or the runner is stopping. Resolve 'completed' when the handler completed the row itself (in
   * its results' transaction).
   */
  handle: (item: ClaimedWorkItem, signal: AbortSignal) => Promise<void | 'completed'>;
  /** A failure the runner recovered from (logged by the caller: ids and codes, never content). */
  onError?: (error: unknown, item: ClaimedWorkItem | null) => void;
}

export interface WorkRunner {
  /** New work may be claimable: the runner looks now instead of at its next poll. */
  wake(): void;
  /** Items in hand right now. */
  busy(): number;
  /**
   * Stops claiming and waits up to `graceMs` (default: no limit) for the items in hand; those
   * still running then are aborted and handed back, claimable at once by another instance or the
   * next start, instead of waiting for their lease to run out.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Rows claimed by one statement at most. */
const CLAIM_BATCH = 8;

export function startWorkRunner(options: WorkRunnerOptions): WorkRunner {
  const { queue, kinds, handle } = options;
  const pollMs = options.pollMs ?? 1000;
  const concurrency = options.concurrency ?? 2;
  const onError = options.onError ?? (() => undefined);
  let stopped = false;
  const stopping = new AbortController();
  const inHand = new Map<ClaimedWorkItem, Promise<void>>();
  // One claimer, however many items may run at once: idle, it polls once per `pollMs` (not once
  // per slot), and a wake-up makes it claim until nothing is claimable or every slot is taken.
  let wakeClaimer: (() => void) | null = null;
  let woken = false;
  const wake = () => {
    woken = true;
    wakeClaimer?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeClaimer = null;
        resolve();
      }
      wakeClaimer = done;
    });

  async function runOne(item: ClaimedWorkItem): Promise<void> {
    const lease = new AbortController();
    const signal = AbortSignal.any([lease.signal, stopping.signal]);
    const beat = setInterval(() => {
      queue.heartbeat(item).then(
        (held) => {
          if (!held) lease.abort();
        },
        (error: unknown) => onError(error, item),
      );
    }, queue.leaseMs / 3);
    try {
      const outcome = await handle(item, signal);
      if (outcome !== 'completed' && !signal.aborted) await queue.complete(item);
    } catch (error) {
      if (!signal.aborted) {
        // Only a code is stored: an error message may quote the transcript.
        const code = error instanceof CuecardError ? error.code : 'internal';
        await queue.fail(item, code);
      }
      if (!stopping.signal.aborted) onError(error, item);
    } finally {
      clearInterval(beat);
    }
  }

  async function claimer(): Promise<void> {
    while (!stopped) {
      if (inHand.size >= concurrency) {
        // A finishing item wakes us.
        if (!woken) await sleep(pollMs);
        woken = false;
        continue;
      }
      woken = false;
      let items: ClaimedWorkItem[] = [];
      try {
        // A few at a time: one statement instead of one per row under a backlog.
        items = await queue.claimMany(Math.min(concurrency - inHand.size, CLAIM_BATCH), kinds);
      } catch (error) {
        onError(error, null);
      }
      if (stopped) {
        // Claimed while stopping: hand them straight back.
        for (const item of items)
          await queue.release(item).catch((error: unknown) => onError(error, item));
        return;
      }
      if (items.length === 0) {
        if (!woken) await sleep(pollMs);
        continue;
      }
      for (const claimed of items) {
        const running = runOne(claimed)
          .catch((error: unknown) => onError(error, claimed))
          .finally(() => {
            inHand.delete(claimed);
            // Finishing a row can make the next row of its key claimable.
            wake();
          });
        inHand.set(claimed, running);
      }
    }
  }

  const claiming = claimer();
  return {
    wake,
    busy: () => inHand.size,
    async stop(graceMs) {
      stopped = true;
      wake();
      await claiming;
      const finished = Promise.all(inHand.values());
      if (graceMs === undefined) return void (await finished);
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        finished.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
      ]);
      clearTimeout(timer);
      if (!late) return;
      const left = [...inHand.keys()];
      stopping.abort();
      await Promise.all(
        left.map((item) => queue.release(item).catch((error: unknown) => onError(error, item))),
      );
      await Promise.all(inHand.values());
    },
  };
}

/** Pending work per kind and how long the oldest has waited (metrics): one grouped read. */
export async function pendingWorkStats(
  db: Queryable,
): Promise<Array<{ kind: string; pending: number; oldestSeconds: number }>> {
  const { rows } = await db.query<{
    kind: string;
    pending: number | string;
    oldest: number | string;
  }>(
    `SELECT kind, count(*) AS pending,
            coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
       FROM work_items WHERE state = 'pending' GROUP BY kind ORDER BY kind`,
    [],
    { priority: 'background' },
  );
  return rows.map((row) => ({
    kind: row.kind,
    pending: Number(row.pending),
    oldestSeconds: Number(row.oldest),
  }));
}
