import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { EventLog } from '../conversations/event-log.js';
import { openNotifications } from '../stores/notifications.js';
import { WORK_CHANNEL } from '../stores/work-queue.js';
import { errorSummary } from '../errors/error-summary.js';

/**
 * Several Cuecard instances on one Postgres server: each names its connections after itself
 * (`application_name`), so rows in the event log say who wrote them, and listens for what the
 * others write. The embedded database has one instance only and needs none of this.
 */
export function instanceOrigin(config: Pick<Config, 'instanceId'>): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9_.-]/g, '')
    .slice(0, 24);
  // Postgres keeps 63 bytes of an application name; the suffix keeps restarts apart.
  return `cuecard-${config.instanceId ?? `${host}-${process.pid}-${randomBytes(3).toString('hex')}`}`;
}

/** The database URL with this instance's name as the connections' `application_name`. */
export function withApplicationName(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', name);
  return url.toString();
}

export interface RelayLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

/** Starts live delivery of other instances' events; returns how to stop it. */
export async function startEventRelay(
  databaseUrl: string,
  origin: string,
  eventLog: EventLog,
  logger: RelayLogger,
  options: { onWorkQueued?: () => void } = {},
): Promise<() => Promise<void>> {
  const notifications = await openNotifications(withApplicationName(databaseUrl, origin), {
    onReconnect: () => void eventLog.catchUp(),
    onError: (error) =>
      logger.warn({ err: errorSummary(error) }, 'event relay: reconnecting to the database'),
  });
  await eventLog.startRelay({
    origin,
    notifications,
    onError: (error) => logger.warn({ err: errorSummary(error) }, 'event relay failed'),
  });
  const { onWorkQueued } = options;
  if (onWorkQueued) {
    // The payload names the enqueuing instance, which wakes its own runner directly.
    await notifications.listen(WORK_CHANNEL, (payload) => {
      if (payload !== origin) onWorkQueued();
    });
  }
  return () => notifications.close();
}
