import { mkdir } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { SESSION_SETTINGS, type Database, type Queryable, type SqlParam } from './database.js';

// int8 as a JS number (ids and counts stay far below 2^53), so both engines return the same.
const parsers = { [types.INT8]: (value: string) => Number(value) };

/**
 * Postgres's default 128 MB of shared buffers are allocated and touched inside the WASM memory
 * at every start, a third of the server's resident memory. The embedded engine serves small
 * bases (larger ones belong on a server, docs/decisions/0004); pages it does not hold are read
 * through the OS cache. The demo base's whole database is 13 MB (its tables and indexes 5 MB),
 * so 16 MB holds all of it: 128 → 32 MB took PGlite at restart from 367 to ~260 MB resident,
 * 32 → 16 MB another ~21 MB (docs/decisions/0031).
 */
const embeddedSettings = ['shared_buffers = 16MB'];

/** Embedded Postgres in WASM with pgvector, in a data folder (or in memory when none). */
export async function createPglite(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    extensions: { vector },
    parsers,
    postgresqlconf: embeddedSettings,
  });
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
  await db.exec(SESSION_SETTINGS);
  return db;
}

/**
 * PGlite on the calling thread: every statement blocks this event loop while it runs. The service
 * uses `openPgliteWorkerDatabase` instead; this one is the reference the worker is tested against
 * and suits one-shot scripts.
 */
export async function openInThreadPgliteDatabase(dataDir: string | undefined): Promise<Database> {
  const db = await createPglite(dataDir);
  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<Row>(sql: string, params: readonly SqlParam[] = []) {
      const result = await target.query<Row>(sql, params as unknown[]);
      return { rows: result.rows, affectedRows: result.affectedRows ?? 0 };
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  });
  const base = wrap(db);
  return {
    engine: 'pglite',
    query: base.query,
    async transaction(work) {
      return db.transaction(async (tx) => work(wrap(tx)));
    },
    exec: base.exec,
    async close() {
      await db.close();
    },
  };
}
