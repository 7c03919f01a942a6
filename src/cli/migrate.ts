import { loadConfig } from '../config/config.js';
import { openDatabase } from '../stores/open-database.js';
import { migrate } from '../stores/migrate.js';

/** `npm run migrate`: applies pending migrations to the configured database; non-zero exit on any failure. */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrate(db);
    process.stdout.write(
      applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n',
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `migrate failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
