import { createHash } from 'node:crypto';
import pg from 'pg';

/** Another live process that runs under the same instance id. */
export interface InstanceIdClash {
  instanceId: string;
  /** The other process's connection, as the server sees it. */
  pid: number;
  clientAddress: string | null;
  connectedAt: string | null;
}

export interface InstanceIdGuard {
  /** One check now: the clash found, or null when this process holds the id. */
  check(): Promise<InstanceIdClash | null>;
  stop(): Promise<void>;
}

export interface InstanceIdGuardOptions {
  /** The id, also the connection's application name (so the holder is recognisable). */
  instanceId: string;
  applicationName: string;
  /** Default 10 s: a clash is seen that long after the second process starts at most. */
  intervalMs?: number;
  /** Called once per other process found (not on every check while it stays). */
  onClash: (clash: InstanceIdClash) => void;
  onError?: (error: unknown) => void;
}

// The first 32 bits of an advisory lock key are ours; the rest is the id's hash.
const LOCK_CLASS = 0x43756563; // "Cuec"

/**
 * Claims an instance id on the Postgres server for as long as this process lives: a session
 * advisory lock on a dedicated connection, keyed by the id. A second process with the same id
 * cannot take it, finds the holder in `pg_locks`, and reports it. The server releases the lock
 * when the holder's connection ends, so a crashed process leaves nothing stuck: the next check
 * of a survivor takes it. Connections of this same process never count (the lock is re-entrant
 * within its session, and other sessions of this process do not take it).
 */
export async function startInstanceIdGuard(
  url: string,
  options: InstanceIdGuardOptions,
): Promise<InstanceIdGuard> {
  const objectId = createHash('sha256').update(options.instanceId).digest().readUInt32BE(0);
  const key = ((BigInt(LOCK_CLASS) << 32n) | BigInt(objectId)).toString();
  let client: pg.Client | null = null;
  let holding = false;
  let reported = new Set<number>();
  let stopped = false;

  async function connection(): Promise<pg.Client> {
    if (client) return client;
    const next = new pg.Client({
      connectionString: url,
      application_name: options.applicationName,
    });
    // A lost connection loses the lock too: the next check connects and claims it again.
    next.on('error', (error) => options.onError?.(error));
    next.on('end', () => {
      if (client === next) {
        client = null;
        holding = false;
      }
    });
    await next.connect();
    client = next;
    return next;
  }

  // One check at a time: the timer's and a caller's share one connection.
  let running: Promise<InstanceIdClash | null> | null = null;
  function check(): Promise<InstanceIdClash | null> {
    running ??= checkOnce().finally(() => (running = null));
    return running;
  }

  async function checkOnce(): Promise<InstanceIdClash | null> {
    const db = await connection();
    if (holding) return null;
    const { rows } = await db.query<{ got: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS got',
      [key],
    );
    if (rows[0]?.got) {
      holding = true;
      reported = new Set();
      return null;
    }
    // Only a holder under the same name is a clash; another id hashing alike is not.
    const holder = await db.query<{
      pid: number;
      client_addr: string | null;
      backend_start: Date | null;
    }>(
      `SELECT a.pid, a.client_addr::text AS client_addr, a.backend_start
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2
          AND l.objsubid = 1 AND a.application_name = $3`,
      [LOCK_CLASS, objectId, options.applicationName],
    );
    const row = holder.rows[0];
    if (!row) return null;
    const clash: InstanceIdClash = {
      instanceId: options.instanceId,
      pid: row.pid,
      clientAddress: row.client_addr,
      connectedAt: row.backend_start ? new Date(row.backend_start).toISOString() : null,
    };
    if (!reported.has(row.pid)) {
      reported.add(row.pid);
      options.onClash(clash);
    }
    return clash;
  }

  // A database that does not answer yet is reported, not fatal: the next check tries again.
  await check().catch((error: unknown) => options.onError?.(error));
  const timer = setInterval(() => {
    if (!stopped) check().catch((error: unknown) => options.onError?.(error));
  }, options.intervalMs ?? 10_000);
  timer.unref();

  return {
    check,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
      const last = client;
      client = null;
      // Ending the session releases the lock; a connection already gone released it too.
      await last?.end().catch(() => undefined);
    },
  };
}
