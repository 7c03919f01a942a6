import { loadConfig } from '../config/config.js';
import { openCuecardDatabase } from '../app/compose-cuecard.js';

/** `npm run migrate`: applies pending migrations to the configured database; non-zero exit on any failure. */
const usage = `Usage: npm run migrate

Applies pending migrations (migrations/*.sql) to the configured database: DATABASE_URL, else the
embedded data folder CUECARD_DATA_DIR (default .cuecard/data), which must not be open in a
running server. Exit code 1 on any failure.`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const config = loadConfig();
  const { db, applied } = await openCuecardDatabase(config);
  await db.close();
  process.stdout.write(
    applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `migrate failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
