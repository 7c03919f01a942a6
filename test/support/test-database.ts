import { randomUUID } from 'node:crypto';
import { createScratchDatabase, type ScratchDatabase } from '../../src/stores/scratch-database.js';
import type { Database } from '../../src/stores/database.js';
import { openDatabase } from '../../src/stores/open-database.js';
import { migrate } from '../../src/stores/migrate.js';

/**
 * The engines the suite runs on: always embedded PGlite; also a real Postgres + pgvector server
 * when CI provides one in CUECARD_TEST_DATABASE_URL.
 */
export const serverUrl = process.env.CUECARD_TEST_DATABASE_URL;
export const engines: Array<'pglite' | 'postgres'> = serverUrl
  ? ['pglite', 'postgres']
  : ['pglite'];

/** A fresh, migrated database: in-memory PGlite, or a new throw-away database on the server. */
export async function openTestDatabase(
  engine: 'pglite' | 'postgres',
  options: { applicationName?: string } = {},
): Promise<Database & { url?: string }> {
  if (engine === 'pglite') {
    const db = await openDatabase({});
    await migrate(db);
    return db;
  }
  const { url, drop } = await createServerDatabase(options);
  const db = await openDatabase({ databaseUrl: url });
  await migrate(db);
  return {
    ...db,
    url,
    engine: db.engine,
    query: db.query,
    exec: db.exec,
    transaction: db.transaction,
    async close() {
      await db.close();
      await drop();
    },
  };
}

/** A new, empty throw-away database on the test server (nothing migrated), and how to drop it. */
export async function createServerDatabase(
  options: { applicationName?: string } = {},
): Promise<ScratchDatabase> {
  if (!serverUrl) throw new Error('CUECARD_TEST_DATABASE_URL is not set');
  const scratch = await createScratchDatabase(
    serverUrl,
    `cuecard_t_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
  );
  if (!options.applicationName) return scratch;
  const url = new URL(scratch.url);
  url.searchParams.set('application_name', options.applicationName);
  return { url: url.toString(), drop: scratch.drop };
}
