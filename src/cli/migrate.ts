import { loadConfig } from '../config/config.js';
import { openCuecardDatabase } from '../app/compose-cuecard.js';

/** `npm run migrate`: applies pending migrations to the configured database; non-zero exit on any failure. */
async function main(): Promise<void> {
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
