import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import { migrate } from './migrate.js';
import { createServerDatabase, serverUrl } from '../../test/support/test-database.js';

describe('migrate', () => {
  it('applies numbered files once, in order, and stops loudly at a broken one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cuecard-migrations-'));
    await writeFile(path.join(dir, '0001_first.sql'), 'CREATE TABLE a (id int);');
    await writeFile(
      path.join(dir, '0002_second.sql'),
      'CREATE TABLE b (id int); INSERT INTO b VALUES (1);',
    );
    await writeFile(
      path.join(dir, '0003_broken.sql'),
      'CREATE TABLE c (id int); SELECT * FROM missing_table;',
    );
    const db = await openDatabase({});
    try {
      await expect(migrate(db, dir)).rejects.toMatchObject({
        code: 'migration_failed',
        message: expect.stringContaining('0003_broken.sql'),
      });
      // The good ones stay applied; the broken one left nothing behind.
      const { rows } = await db.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((row) => row.version)).toEqual([1, 2]);
      await expect(db.query('SELECT * FROM c')).rejects.toThrow();
      // Nothing is applied twice.
      await writeFile(path.join(dir, '0003_broken.sql'), 'CREATE TABLE c (id int);');
      expect(await migrate(db, dir)).toEqual(['0003_broken.sql']);
      expect(await migrate(db, dir)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('refuses a file that is not named NNNN_name.sql', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cuecard-migrations-'));
    await writeFile(path.join(dir, 'add-users.sql'), 'SELECT 1;');
    const db = await openDatabase({});
    try {
      await expect(migrate(db, dir)).rejects.toThrow(
        /add-users.sql is not named NNNN_lower_snake.sql/,
      );
    } finally {
      await db.close();
    }
  });

  // Instances of one fleet start together on an empty database: every one must come up.
  it.runIf(serverUrl)(
    'lets several instances migrate one empty Postgres database at once',
    async () => {
      const { url, drop } = await createServerDatabase();
      const instances = await Promise.all(
        Array.from({ length: 4 }, () => openDatabase({ databaseUrl: url })),
      );
      try {
        const applied = await Promise.all(instances.map((db) => migrate(db)));
        // Each file ran exactly once, on whichever instance got there first.
        const all = applied.flat().sort();
        expect(new Set(all).size).toBe(all.length);
        const { rows } = await instances[0]!.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM schema_migrations',
        );
        expect(rows[0]!.n).toBe(all.length);
        expect(all.length).toBeGreaterThan(5);
      } finally {
        await Promise.all(instances.map((db) => db.close()));
        await drop();
      }
    },
  );
});
