import type { Database } from './database.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';

export interface DatabaseTarget {
  /** A postgres:// URL; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data folder; `undefined` keeps the embedded database in memory (tests). */
  dataDir?: string | undefined;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.databaseUrl
    ? openPostgresDatabase(target.databaseUrl)
    : openPgliteDatabase(target.dataDir);
}
