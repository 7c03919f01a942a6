import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { openDatabase } from '../stores/open-database.js';
import { migrate } from '../stores/migrate.js';
import type { Database } from '../stores/database.js';
import { createApp } from './create-app.js';
import { createServices, type Services } from './services.js';
import { ensureDevTenant, type DevKeys } from './dev-tenant.js';
import { createDefaultCapabilities } from './capabilities.js';
import { loadKnowledgeBaseIfEmpty } from '../knowledge/ingest.js';
import { instanceOrigin, startEventRelay, withApplicationName } from './event-relay.js';

export interface Cuecard {
  app: FastifyInstance;
  services: Services;
  devKeys: DevKeys | null;
  close(): Promise<void>;
}

export interface StartOptions {
  /** An already open database (tests); otherwise opened from the config. */
  db?: Database;
  logger?: boolean;
  /** Skip the dev tenant even in embedded mode (tests create their own tenants). */
  devTenant?: boolean;
}

/** Opens the database, migrates it, wires the capabilities and builds the app (not listening yet). */
export async function startCuecard(config: Config, options: StartOptions = {}): Promise<Cuecard> {
  const origin = instanceOrigin(config);
  const databaseUrl = config.databaseUrl && withApplicationName(config.databaseUrl, origin);
  const db = options.db ?? (await openDatabase({ databaseUrl, dataDir: config.dataDir }));
  let stopRelay: (() => Promise<void>) | undefined;
  try {
    await migrate(db);
    const capabilities = await createDefaultCapabilities(config, db);
    const appRef: { app?: FastifyInstance } = {};
    const logger = {
      warn: (details: Record<string, unknown>, message: string) =>
        appRef.app?.log.warn(details, message),
      error: (details: Record<string, unknown>, message: string) =>
        appRef.app?.log.error(details, message),
    };
    const services = createServices({ config, db, logger, ...capabilities });
    if (databaseUrl && !options.db) {
      stopRelay = await startEventRelay(databaseUrl, origin, services.eventLog, logger);
    }
    const devKeys =
      (options.devTenant ?? config.devTenant)
        ? await ensureDevTenant(
            services.tenants,
            path.join(path.dirname(path.resolve(config.dataDir)), 'dev-keys.json'),
          )
        : null;
    if (devKeys && services.knowledge) {
      // The demo knowledge base, on the first start only (later starts find the articles).
      const report = await loadKnowledgeBaseIfEmpty(
        services.knowledge,
        devKeys.tenantId,
        path.join(config.knowledgeDir, 'articles'),
      );
      if (report && options.logger !== false) {
        process.stderr.write(
          `Loaded the demo knowledge base: ${report.added} articles, ${report.chunks} passages.\n`,
        );
      }
    }
    const app = await createApp({ services, logger: options.logger ?? true });
    appRef.app = app;
    return {
      app,
      services,
      devKeys,
      async close() {
        await app.close();
        await stopRelay?.();
        if (!options.db) await db.close();
      },
    };
  } catch (error) {
    await stopRelay?.().catch(() => undefined);
    if (!options.db) await db.close().catch(() => undefined);
    throw error;
  }
}
