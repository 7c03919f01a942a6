import type { Database } from './database.js';
import { openNotifications, type Notifications } from './notifications.js';

/**
 * What an instance caches per tenant and must drop when it changes anywhere. Each kind is bumped
 * by a trigger on its table (migrations/0017_config_versions.sql), in the writer's transaction.
 */
export type ConfigKind =
  'settings' | 'intents' | 'playbooks' | 'scorecards' | 'churn' | 'dispositions' | 'resolutions';

/** May be async (an intent model retrains); a failure goes to `onError`. */
export type ConfigChangeHandler = (tenantId: string) => void | Promise<void>;

/**
 * Tells this instance's caches that a tenant's configuration changed, whoever changed it: at once
 * on a Postgres notification, and within `pollMs` in any case (the floor when a notification is
 * lost, and the only path on the embedded engine, where the writer is this process and has
 * already refreshed its own cache).
 */
export interface ConfigChanges {
  on(kind: ConfigKind, handler: ConfigChangeHandler): void;
  /** One check now (tests; the timer and notifications run it on their own). */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

export interface ConfigChangesOptions {
  /** A Postgres server to LISTEN on (`cuecard_config`); absent: polling only. */
  databaseUrl?: string | undefined;
  /** Default 1,000 ms: a change reaches every cache within about this long without a notification. */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

export const CONFIG_CHANNEL = 'cuecard_config';

interface Changed {
  tenantId: string;
  kind: ConfigKind;
  version: number;
}

export async function startConfigChanges(
  db: Database,
  options: ConfigChangesOptions = {},
): Promise<ConfigChanges> {
  const handlers = new Map<ConfigKind, ConfigChangeHandler[]>();
  const known = new Map<string, number>();
  // Transactions at or after this one may have committed since the last poll.
  let horizon = '0';
  let running: Promise<void> | null = null;
  let again = false;

  async function read(): Promise<void> {
    const { rows } = await db.query<{ xmin: string; changes: Changed[] | string }>(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
              coalesce((SELECT json_agg(json_build_object('tenantId', tenant_id, 'kind', kind, 'version', version))
                          FROM config_versions WHERE writer_xid >= $1::xid8), '[]') AS changes`,
      [horizon],
    );
    const row = rows[0];
    if (!row) return;
    const changes: Changed[] =
      typeof row.changes === 'string' ? (JSON.parse(row.changes) as Changed[]) : row.changes;
    const first = horizon === '0';
    horizon = row.xmin;
    for (const change of changes) {
      const key = `${change.kind} ${change.tenantId}`;
      if (known.get(key) === change.version) continue;
      known.set(key, change.version);
      // The first read only learns where things stand: the caches are empty then.
      if (first) continue;
      for (const handler of handlers.get(change.kind) ?? []) {
        Promise.resolve()
          .then(() => handler(change.tenantId))
          .catch((error: unknown) => options.onError?.(error));
      }
    }
  }

  // One read at a time; a request during a read runs one more read after it (a notification
  // may announce a commit the running read's snapshot did not see).
  function poll(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = read().finally(() => {
      running = null;
      if (again) {
        again = false;
        poll().catch((error: unknown) => options.onError?.(error));
      }
    });
    return running;
  }

  await poll();
  const timer = setInterval(() => {
    poll().catch((error: unknown) => options.onError?.(error));
  }, options.pollMs ?? 1_000);
  timer.unref();

  let notifications: Notifications | undefined;
  if (options.databaseUrl) {
    const pollNow = () => void poll().catch((error: unknown) => options.onError?.(error));
    notifications = await openNotifications(options.databaseUrl, {
      onReconnect: pollNow,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    await notifications.listen(CONFIG_CHANNEL, pollNow);
  }

  return {
    on(kind, handler) {
      const list = handlers.get(kind);
      if (list) list.push(handler);
      else handlers.set(kind, [handler]);
    },
    poll,
    async stop() {
      clearInterval(timer);
      await notifications?.close();
      // A read still running must not use the database after its owner closes it.
      await running?.catch(() => undefined);
    },
  };
}
