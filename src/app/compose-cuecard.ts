import { errorSummary } from '../errors/error-summary.js';
import { startEmbeddedMaintenance } from '../stores/embedded-maintenance.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { Redact } from '../conversations/ingest-service.js';
import { loadKnowledgeBaseIfEmpty } from '../knowledge/ingest.js';
import { withShippedEmbeddings } from '../knowledge/embedding-cache.js';
import type { RunnableAnalyzer, RunnableFinalizer } from '../pipeline/analyzer.js';
import type { PipelineLogger } from '../pipeline/pipeline.js';
import type { Database } from '../stores/database.js';
import { migrate } from '../stores/migrate.js';
import { openDatabase } from '../stores/open-database.js';
import { createEmbeddedDatabase } from '../stores/create-embedded-database.js';
import { createDefaultCapabilities, preloadModels } from './capabilities.js';
import { createApp } from './create-app.js';
import { ensureDevTenant, type DevKeys } from './dev-tenant.js';
import { devKeysFile, legacyDevKeysFile } from './local-files.js';
import { ensureBootstrapAdmin, type BootstrapAdmin } from './bootstrap-admin.js';
import { instanceOrigin, startEventRelay, withApplicationName } from './event-relay.js';
import { createServices, type Services } from './services.js';
import { startFleetWatch, type FleetWatch } from './fleet-watch.js';
import { createStartupTimings } from './startup-timings.js';

/** A composed Cuecard: the app is built, not listening yet. */
export interface Cuecard {
  app: FastifyInstance;
  services: Services;
  devKeys: DevKeys | null;
  /** Set when this start gave the database its first admin key. */
  bootstrap: BootstrapAdmin | null;
  /** Closes the app (which drains the pipeline), the relay, and the database if opened here. */
  close(): Promise<void>;
}

/** What entry points vary; `npm start` passes none of it. */
export interface ComposeOptions {
  /** An open database the caller keeps and closes (tests, the in-thread bench); migrated here. */
  db?: Database;
  /**
   * `default`: the production analyzers, finalizers, redaction and services. `none`: an empty
   * pipeline and no optional services, for tests that bring their own stages.
   */
  capabilities?: 'default' | 'none';
  /** Replace the capabilities' stages or redaction (tests). */
  analyzers?: readonly RunnableAnalyzer[];
  finalizers?: readonly RunnableFinalizer[];
  redact?: Redact;
  /** Create the development tenant (and load the demo knowledge base); default `config.devTenant`. */
  devTenant?: boolean;
  /**
   * Give a database with no admin key its first one (`bootstrap-admin.ts`). Default: when there
   * is no development tenant and this process opened the database itself.
   */
  bootstrapAdmin?: boolean;
  /** `false` silences request logs, pipeline warnings and start-up notes (tests, CLIs). */
  logger?: boolean;
  /** Where the app's log lines go instead of stdout (tests that read what was logged). */
  logStream?: { write(line: string): void };
  /**
   * Live delivery from other instances on the same Postgres server, as this instance (`origin`,
   * also its connections' application name). Default: on when the configured server is opened
   * here; a caller that brings its own database brings this too.
   */
  relay?: { databaseUrl: string; origin: string };
}

/**
 * The first layer of the composition: the configured database, migrated. Alone, it serves the
 * CLIs that need nothing else (`npm run migrate`, `npm run kb`); `applied` lists new migrations.
 */
export async function openCuecardDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  options: { applicationName?: string } = {},
): Promise<{ db: Database; applied: string[] }> {
  const { databaseUrl } = config;
  const target = {
    databaseUrl:
      databaseUrl && options.applicationName
        ? withApplicationName(databaseUrl, options.applicationName)
        : databaseUrl,
    dataDir: config.dataDir,
  };
  // A new embedded database is created and migrated by an engine of its own, in a process of its
  // own that has exited before the serving engine opens: creating the cluster (initdb) and the
  // first migrations leave ~500 MB of WASM heap in the engine that ran them, and ~110 MB resident
  // in the process even once that engine has closed (docs/decisions/0031).
  const created =
    !databaseUrl && config.dataDir && !existsSync(path.join(config.dataDir, 'PG_VERSION'))
      ? await createEmbeddedDatabase(config.dataDir)
      : [];
  const db = await openDatabase(target);
  try {
    return { db, applied: [...created, ...(await migrate(db))] };
  } catch (error) {
    await closeAfterFailure(db);
    throw error;
  }
}

/**
 * The one composition root, used by `npm start`, the CLIs that run a service (demo, bench) and
 * the tests: database → capabilities → domain services → relay → dev tenant → app.
 */
export async function composeCuecard(
  config: Config,
  options: ComposeOptions = {},
): Promise<Cuecard> {
  const timings = createStartupTimings();
  const origin = instanceOrigin(config);
  const withDefaults = (options.capabilities ?? 'default') === 'default';
  // The models need no database: they load (worker threads, WASM) while it opens or is created.
  const preloaded = withDefaults ? preloadModels(config) : undefined;
  // Its failure is reported where it is awaited (capabilities), not as an unhandled rejection.
  preloaded?.catch(() => undefined);
  const closeModels = async () => {
    await preloaded?.then((models) => models.close()).catch(() => undefined);
  };
  let db: Database;
  try {
    db = options.db ?? (await openCuecardDatabase(config, { applicationName: origin })).db;
  } catch (error) {
    await closeModels();
    throw error;
  }
  // Closed with the service, unless the caller brought it.
  const owned = options.db ? null : db;
  const relay =
    options.relay ??
    (owned && config.databaseUrl ? { databaseUrl: config.databaseUrl, origin } : undefined);
  let stopRelay: (() => Promise<void>) | undefined;
  let services: Services | undefined;
  let fleet: FleetWatch | undefined;
  try {
    if (options.db) await migrate(options.db);
    timings.lap('database');
    // Pipeline warnings go to the app's logger, which exists only once the services do.
    const appRef: { app?: FastifyInstance } = {};
    const logger: PipelineLogger = {
      warn: (details, message) => appRef.app?.log.warn(details, message),
      error: (details, message) => appRef.app?.log.error(details, message),
    };
    fleet = await startFleetWatch({ config, db, relay, logger });
    const capabilities = withDefaults
      ? await createDefaultCapabilities(config, db, fleet.changes, preloaded)
      : {};
    timings.lap('models');
    services = createServices({
      config,
      db,
      origin,
      logger,
      ...capabilities,
      ...(options.analyzers ? { analyzers: options.analyzers } : {}),
      ...(options.finalizers ? { finalizers: options.finalizers } : {}),
      ...(options.redact ? { redact: options.redact } : {}),
    });
    await recoverLeases(services, config, owned);
    timings.lap('services');
    if (relay) {
      const work = services.pipeline;
      stopRelay = await startEventRelay(
        relay.databaseUrl,
        relay.origin,
        services.eventLog,
        logger,
        {
          // Another instance queued work: one idle slot here looks, so a busy instance's backlog
          // is drained by the others.
          onWorkQueued: () => work.wake(),
        },
      );
    }
    const withDevTenant = options.devTenant ?? config.devTenant;
    const devKeys = withDevTenant
      ? await startDevTenant(config, services, options.logger !== false)
      : null;
    timings.lap('devTenant');
    const bootstrap =
      (options.bootstrapAdmin ?? (!withDevTenant && !options.db))
        ? await ensureBootstrapAdmin(services.db, config.bootstrap)
        : null;
    const app = await createApp({
      services,
      logger: options.logger ?? true,
      ...(options.logStream ? { logStream: options.logStream } : {}),
    });
    appRef.app = app;
    await fleet.guardInstanceId();
    timings.lap('app');
    app.log.debug({ startupMs: timings.steps() }, 'start-up timings');
    // A server's autovacuum does this; the embedded engine has none (stores/embedded-maintenance.ts).
    const maintenance =
      owned?.engine === 'pglite'
        ? startEmbeddedMaintenance(owned, {
            onError: (error) =>
              app.log.warn({ err: errorSummary(error) }, 'embedded database maintenance failed'),
          })
        : null;
    const abandoned = startAbandonedSweep(services, config, (error) =>
      app.log.warn({ err: errorSummary(error) }, 'ending abandoned conversations failed'),
    );
    return {
      app,
      services,
      devKeys,
      bootstrap,
      async close() {
        abandoned.stop();
        await app.close();
        await fleet?.stop();
        await maintenance?.stop();
        await stopRelay?.();
        await owned?.close();
      },
    };
  } catch (error) {
    // Worker threads of the capabilities would otherwise keep the process alive.
    if (services) await stopAfterFailure(services.close);
    else await closeModels();
    if (stopRelay) await stopAfterFailure(stopRelay);
    if (fleet) await stopAfterFailure(fleet.stop);
    if (owned) await closeAfterFailure(owned);
    throw error;
  }
}

/**
 * Work a dead process held becomes claimable now instead of when its lease runs out. Embedded:
 * this process owns the data folder (its lock), so every lease found belongs to a dead process.
 * On a server only this instance's own leases are known dead, and only if its name is stable
 * (`CUECARD_INSTANCE_ID`); others' expire after the lease time.
 */
async function recoverLeases(services: Services, config: Config, owned: Database | null) {
  const queue = services.pipeline.queue;
  if (owned?.engine === 'pglite') await queue.releaseLeases('all');
  else if (config.instanceId) await queue.releaseLeases(queue.owner);
  services.pipeline.wake();
}

/** How often idle conversations are looked for; their idle times are minutes. */
const ABANDONED_SWEEP_MS = 30_000;

/** Ends conversations whose connector vanished (`config.abandonAfterSeconds`), every 30 s. */
function startAbandonedSweep(
  services: Services,
  config: Config,
  onError: (error: unknown) => void,
): { stop(): void } {
  const timer = setInterval(() => {
    services.ingest.endAbandoned(config.abandonAfterSeconds).catch(onError);
  }, ABANDONED_SWEEP_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The development tenant's keys and, on the first start only, the demo knowledge base. */
async function startDevTenant(
  config: Config,
  services: Services,
  notes: boolean,
): Promise<DevKeys | null> {
  const devKeys = await ensureDevTenant(
    services.tenants,
    devKeysFile(config.dataDir),
    legacyDevKeysFile(config.dataDir),
  );
  if (devKeys && services.knowledge) {
    // Later starts find the articles and load nothing. The first reads the passages' vectors
    // shipped with them instead of embedding each one (knowledge/embeddings/).
    const report = await loadKnowledgeBaseIfEmpty(
      await withShippedEmbeddings(services.knowledge, config.knowledgeDir),
      devKeys.tenantId,
      path.join(config.knowledgeDir, 'articles'),
    );
    if (report && notes) {
      process.stderr.write(
        `Loaded the demo knowledge base: ${report.added} articles, ${report.chunks} passages.\n`,
      );
    }
  }
  return devKeys;
}

// Clean-up after a failed start: the start's own error is the one to report, so a second
// failure while closing is dropped on purpose.
async function closeAfterFailure(db: Database): Promise<void> {
  await db.close().catch(() => undefined);
}

async function stopAfterFailure(stop: () => Promise<void>): Promise<void> {
  await stop().catch(() => undefined);
}
