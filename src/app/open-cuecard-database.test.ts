import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationsDir } from '../stores/migrate.js';
import { openCuecardDatabase } from './compose-cuecard.js';

describe('openCuecardDatabase on an embedded data folder', () => {
  it('creates and migrates a new folder (in an engine of its own), then opens it ready to serve', async () => {
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'cuecard-open-')), 'data');
    try {
      const migrations = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql'));
      const first = await openCuecardDatabase({ databaseUrl: undefined, dataDir });
      expect(first.applied).toEqual(migrations.sort());
      await first.db.query(`INSERT INTO tenants (id, name) VALUES ('t1', '第一家')`);
      await first.db.close();

      const again = await openCuecardDatabase({ databaseUrl: undefined, dataDir });
      try {
        expect(again.applied).toEqual([]);
        const { rows } = await again.db.query<{ name: string }>('SELECT name FROM tenants');
        expect(rows).toEqual([{ name: '第一家' }]);
      } finally {
        await again.db.close();
      }
    } finally {
      await rm(path.dirname(dataDir), { recursive: true, force: true });
    }
  }, 120_000);

  it('says which folder could not be created, and leaves it unlocked', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'cuecard-open-'));
    // A file where the data folder should be: Postgres cannot create its cluster there.
    const dataDir = path.join(parent, 'data');
    await writeFile(dataDir, 'not a folder');
    try {
      const opening = openCuecardDatabase({ databaseUrl: undefined, dataDir });
      await expect(opening).rejects.toMatchObject({
        code: 'provider_unavailable',
        message: expect.stringContaining(`PGlite in ${dataDir}) could not be created`),
      });
      expect(existsSync(`${dataDir}.lock`)).toBe(false);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  }, 60_000);
});
