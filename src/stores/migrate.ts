import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';
import { CuecardError } from '../errors/cuecard-error.js';

export const migrationsDir = fileURLToPath(new URL('../../migrations/', import.meta.url));

const fileName = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * Applies numbered SQL files in order, each in its own transaction, and records them.
 * Any failure throws: a half-migrated database must never start serving.
 */
export async function migrate(db: Database, dir = migrationsDir): Promise<string[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
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
    try {
      await db.transaction(async (tx) => {
        await tx.exec(sql);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          version,
          name,
        ]);
      });
    } catch (error) {
      throw new CuecardError(
        'migration_failed',
        `Migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    done.push(name);
  }
  return done;
}
