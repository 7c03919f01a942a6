import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { composeCuecard } from '../../src/app/compose-cuecard.js';
import type { Services } from '../../src/app/services.js';
import type { RunnableAnalyzer, RunnableFinalizer } from '../../src/pipeline/analyzer.js';
import type { Redact } from '../../src/conversations/ingest-service.js';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { openTestDatabase } from './test-database.js';
import { instanceOrigin, withApplicationName } from '../../src/app/event-relay.js';
import { openDatabase } from '../../src/stores/open-database.js';
import type { Database } from '../../src/stores/database.js';

export interface TestServer {
  app: FastifyInstance;
  services: Services;
  httpUrl: string;
  wsUrl: string;
  /** The Postgres database it runs on (absent on PGlite). */
  databaseUrl: string | undefined;
  keys: {
    connector: string;
    agent: string;
    otherAgent: string;
    supervisor: string;
    knowledgeManager: string;
    admin: string;
    otherTenantAdmin: string;
    otherTenantConnector: string;
  };
  /** An authenticated REST call through `app.inject` (no socket), as the consoles make it. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    key: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A real server on a free loopback port, with two tenants and a key per role. */
export async function startTestServer(
  options: {
    engine?: 'pglite' | 'postgres';
    analyzers?: RunnableAnalyzer[];
    finalizers?: RunnableFinalizer[];
    redact?: Redact;
    env?: Record<string, string>;
    /** Use the production analyzers/finalizers/redaction (capabilities 'default'); explicit options win. */
    defaultCapabilities?: boolean;
    /**
     * Another instance on the same Postgres database as `server` (same tenants and keys), with
     * live delivery between them. Postgres only.
     */
    secondInstanceOf?: TestServer;
    /** Relay live events between instances sharing the database (Postgres only). */
    relay?: boolean;
    /** Collects every log line the app writes (JSON text) instead of silencing the logs. */
    logs?: string[];
    /** Runs on the app after it is built and before it listens (extra routes, e.g. the web consoles). */
    beforeListen?: (app: FastifyInstance) => Promise<void> | void;
  } = {},
): Promise<TestServer> {
  const first = options.secondInstanceOf;
  const relayed = options.relay === true || first !== undefined;
  const origin = relayed ? instanceOrigin({ instanceId: undefined }) : undefined;
  if (first && !first.databaseUrl) throw new Error('a second instance needs a Postgres server');
  const db: Database & { url?: string } = first?.databaseUrl
    ? await openDatabase({ databaseUrl: withApplicationName(first.databaseUrl, origin!) })
    : await openTestDatabase(options.engine ?? 'pglite', origin ? { applicationName: origin } : {});
  // Feature tests assert what each turn gets: load shedding (on in production) would make that
  // depend on how busy the machine is. Tests of shedding turn it on in `env`.
  const config = loadConfig({
    CUECARD_ANALYZER_TIMEOUT_MS: '300',
    CUECARD_LOAD_SHEDDING: 'false',
    ...options.env,
  });
  const cuecard = await composeCuecard(config, {
    db,
    capabilities: options.defaultCapabilities ? 'default' : 'none',
    ...(options.analyzers ? { analyzers: options.analyzers } : {}),
    ...(options.finalizers ? { finalizers: options.finalizers } : {}),
    ...(options.redact ? { redact: options.redact } : {}),
    // Tests create their own tenants and keys.
    devTenant: false,
    logger: options.logs !== undefined,
    ...(options.logs
      ? { logStream: { write: (line: string) => void options.logs!.push(line) } }
      : {}),
    ...(relayed && db.engine === 'postgres'
      ? { relay: { databaseUrl: first?.databaseUrl ?? db.url!, origin: origin! } }
      : {}),
  }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const { app, services } = cuecard;
  const keys = first?.keys ?? (await createTenantsAndKeys(services.tenants));
  await options.beforeListen?.(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    services,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    databaseUrl: first?.databaseUrl ?? db.url,
    keys,
    call: (method, url, key, payload) =>
      app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${key}` },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
    async close() {
      await cuecard.close();
      await db.close();
    },
  };
}

/** Two tenants, acme and globex, and a key per role. */
async function createTenantsAndKeys(tenants: Services['tenants']): Promise<TestServer['keys']> {
  await tenants.createTenant({ id: 'acme', name: 'Acme' });
  await tenants.createTenant({ id: 'globex', name: 'Globex' });
  const issue = async (
    tenantId: string,
    role: Parameters<typeof tenants.issueKey>[0]['role'],
    agentId?: string,
  ) =>
    (
      await tenants.issueKey({
        tenantId,
        role,
        // Agents are people: the consoles show them by this name, never by their id.
        name: agentId ? `${agentId[0]!.toUpperCase()}${agentId.slice(1)} Example` : role,
        ...(agentId ? { agentId } : {}),
      })
    ).key;
  return {
    connector: await issue('acme', 'connector'),
    agent: await issue('acme', 'agent', 'alice'),
    otherAgent: await issue('acme', 'agent', 'bob'),
    supervisor: await issue('acme', 'supervisor'),
    knowledgeManager: await issue('acme', 'knowledge_manager'),
    admin: await issue('acme', 'admin'),
    otherTenantAdmin: await issue('globex', 'admin'),
    otherTenantConnector: await issue('globex', 'connector'),
  };
}

/**
 * Starts a server with the production capabilities before the enclosing `describe` block's tests
 * and closes it after them; `onStarted` hands it to the tests.
 */
export function useDefaultServer(
  onStarted: (server: TestServer) => void,
  options: { engine?: 'pglite' | 'postgres'; analyzerTimeoutMs?: number } = {},
): void {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer({
      ...(options.engine ? { engine: options.engine } : {}),
      defaultCapabilities: true,
      // Feature tests assert what each turn gets; load shedding would make that depend on how
      // busy the machine is (a card skipped for a turn that waited 1.5 s behind a busy CI).
      env: {
        CUECARD_ANALYZER_TIMEOUT_MS: String(options.analyzerTimeoutMs ?? 10_000),
        CUECARD_LOAD_SHEDDING: 'false',
      },
    });
    onStarted(server);
  });
  afterAll(async () => server?.close());
}
