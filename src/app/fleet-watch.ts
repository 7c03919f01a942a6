import type { Config } from '../config/config.js';
import type { Database } from '../stores/database.js';
import { startConfigChanges, type ConfigChanges } from '../stores/config-changes.js';
import {
  startInstanceIdGuard,
  type InstanceIdClash,
  type InstanceIdGuard,
} from '../stores/instance-id-guard.js';
import { errorSummary } from '../errors/error-summary.js';
import { withApplicationName } from './event-relay.js';

export interface FleetLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface FleetWatch {
  /** Configuration changes made anywhere; the capabilities' caches subscribe to it. */
  changes: ConfigChanges;
  /**
   * On a Postgres server with an explicit `CUECARD_INSTANCE_ID`, warns (now and every 10 s) when
   * another live process uses that id. Called once the logger can write.
   */
  guardInstanceId(): Promise<void>;
  stop(): Promise<void>;
}

/** What an instance watches of the others: configuration changes, and its own id's uniqueness. */
export async function startFleetWatch(options: {
  config: Pick<Config, 'instanceId'>;
  db: Database;
  /** The server and this instance's name on it; absent on the embedded engine. */
  relay: { databaseUrl: string; origin: string } | undefined;
  logger: FleetLogger;
}): Promise<FleetWatch> {
  const { config, relay, logger } = options;
  const url = relay && withApplicationName(relay.databaseUrl, relay.origin);
  const changes = await startConfigChanges(options.db, {
    databaseUrl: url,
    onError: (error) =>
      logger.warn({ err: errorSummary(error) }, 'configuration changes: could not refresh'),
  });
  let guard: InstanceIdGuard | undefined;
  let stopped = false;
  return {
    changes,
    async guardInstanceId() {
      // A generated id is unique by construction; only one an operator chose can be reused.
      if (!url || !relay || !config.instanceId || guard || stopped) return;
      guard = await startInstanceIdGuard(url, {
        instanceId: config.instanceId,
        applicationName: relay.origin,
        onClash: (clash) => logger.warn({ ...clash }, clashMessage(clash)),
        onError: (error) =>
          logger.warn({ err: errorSummary(error) }, 'instance id check failed; retrying'),
      });
    },
    async stop() {
      stopped = true;
      await guard?.stop();
      await changes.stop();
    },
  };
}

function clashMessage(clash: InstanceIdClash): string {
  return (
    `CUECARD_INSTANCE_ID "${clash.instanceId}" is also used by another live instance ` +
    `(server pid ${clash.pid}, client ${clash.clientAddress ?? 'local socket'}, connected ` +
    `${clash.connectedAt ?? 'at an unknown time'}). Give each instance its own id: ` +
    'recovery of durable work assumes unique ids (a starting instance releases the leases ' +
    "held under its id, the other's included), and the event relay skips events written " +
    "under its own id (subscribers here miss the other's live events)."
  );
}
