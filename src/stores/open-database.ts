import type { Database } from './database.js';
import { openPgliteWorkerDatabase } from './pglite-worker-database.js';
import { openPostgresDatabase } from './postgres-database.js';

export interface DatabaseTarget {
  /** A postgres:// URL; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data folder; `undefined` keeps the embedded database in memory (tests). */
  dataDir?: string | undefined;
}

/** The embedded PGlite runs in its own worker thread, so SQL never blocks the service's loop. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.databaseUrl
    ? openPostgresDatabase(target.databaseUrl)
    : openPgliteWorkerDatabase(target.dataDir);
}
