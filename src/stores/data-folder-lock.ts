import { open, readFile, rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CuecardError } from '../errors/cuecard-error.js';

/**
 * One process per embedded data folder. Two PGlite instances on one folder both accept writes
 * and corrupt it (a kill -9 of one lost the other's acknowledged conversations; two overlaps and
 * the folder no longer opened). A lock file beside the folder names its owner; a lock whose owner
 * is no longer running (a crash, kill -9) is taken over, so a crashed process never leaves the
 * folder stuck.
 */
export interface DataFolderLock {
  readonly file: string;
  release(): Promise<void>;
}

interface Owner {
  pid: number;
  startedAt: string;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(file: string): Promise<Owner | null> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number'
      ? { pid: owner.pid, startedAt: String(owner.startedAt) }
      : null;
  } catch {
    // Unreadable or half-written: its writer died mid-write, so nobody holds it.
    return null;
  }
}

export async function lockDataFolder(dataDir: string): Promise<DataFolderLock> {
  const folder = path.resolve(dataDir);
  const file = `${folder}.lock`;
  await mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx');
      const owner: Owner = { pid: process.pid, startedAt: new Date().toISOString() };
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      return {
        file,
        async release() {
          const current = await readOwner(file);
          if (current?.pid === process.pid) await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = await readOwner(file);
      if (owner && owner.pid !== process.pid && isRunning(owner.pid)) {
        throw new CuecardError(
          'conflict',
          `The embedded data folder ${folder} is in use by another Cuecard process (pid ${owner.pid}, since ${owner.startedAt}). Stop it first, or point CUECARD_DATA_DIR at another folder. (Two processes on one folder corrupt it.)`,
        );
      }
      if (owner?.pid === process.pid)
        throw new CuecardError(
          'conflict',
          `The embedded data folder ${folder} is already open in this process; open it once and share the database.`,
        );
      // The owner is gone: the lock is stale. Remove it and try again (another starter may win).
      await rm(file, { force: true });
    }
  }
  throw new CuecardError('conflict', `Could not lock the embedded data folder ${folder}.`);
}
