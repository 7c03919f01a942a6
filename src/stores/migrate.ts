import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, Queryable } from './database.js';
import { CuecardError } from '../errors/cuecard-error.js';

export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

const fileName = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * Several instances starting together on an empty database would race: two `CREATE TABLE IF NOT
 * EXISTS` at once fail on the catalog's unique index, two `CREATE EXTENSION` likewise. Every
 * migration transaction first takes this transaction-scoped advisory lock, so they run one at a
 * time across the fleet, and each checks under the lock whether another instance already applied
 * it. (Transaction-scoped: a pool may hand each statement another connection.)
 */
const MIGRATION_LOCK = 7_310_459_022_611;

async function underLock<T>(db: Database, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    return work(tx);
  });
}

/**
 * Applies numbered SQL files in order, each in its own transaction, and records them.
 * Any failure throws: a half-migrated database must never start serving.
 */
export async function migrate(db: Database, dir = migrationsDir): Promise<string[]> {
  await underLock(db, (tx) =>
    tx.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    ),
  );
  const files = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((row) => row.version));
  const done: string[] = [];
  for (const name of files) {
    const match = fileName.exec(name);
    if (!match) {
      throw new CuecardError(
        'migration_failed',
        `Migration file ${name} is not named NNNN_lower_snake.sql; rename it.`,
      );
    }
    const version = Number(match[1]);
    if (applied.has(version)) continue;
    const sql = await readFile(path.join(dir, name), 'utf8');
    let ran = false;
    try {
      await underLock(db, async (tx) => {
        const { rows: already } = await tx.query(
          'SELECT 1 FROM schema_migrations WHERE version = $1',
          [version],
        );
        if (already.length > 0) return; // another instance applied it while we waited
        await tx.exec(sql);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          version,
          name,
        ]);
        ran = true;
      });
    } catch (error) {
      throw new CuecardError(
        'migration_failed',
        `Migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (ran) done.push(name);
  }
  return done;
}
