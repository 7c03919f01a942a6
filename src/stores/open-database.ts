import type { Database } from './database.js';
import { lockDataFolder } from './data-folder-lock.js';
import { openPgliteWorkerDatabase } from './pglite-worker-database.js';
import { openPostgresDatabase } from './postgres-database.js';

export interface DatabaseTarget {
  /** A postgres:// URL; when absent the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data folder; `undefined` keeps the embedded database in memory (tests). */
  dataDir?: string | undefined;
}

/**
 * The embedded PGlite runs in its own worker thread, so SQL never blocks the service's loop. Its
 * data folder has one owner at a time (data-folder-lock.ts), released when the database closes.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.databaseUrl) return openPostgresDatabase(target.databaseUrl);
  if (!target.dataDir) return openPgliteWorkerDatabase(undefined);
  const lock = await lockDataFolder(target.dataDir);
  let db: Database;
  try {
    db = await openPgliteWorkerDatabase(target.dataDir);
  } catch (error) {
    await lock.release();
    throw error;
  }
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      try {
        await close();
      } finally {
        await lock.release();
      }
    },
  });
}
