import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataFolder } from './data-folder-lock.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('one process per embedded data folder', () => {
  it('refuses a second owner while the first runs, naming the folder and the owner', async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'cuecard-lock-')), 'data');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(`${dir}.lock`, JSON.stringify({ pid: sleeper.pid, startedAt: 'then' }));
      await expect(lockDataFolder(dir)).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(
          new RegExp(`${dir}.*in use by another Cuecard process \\(pid ${sleeper.pid}`),
        ),
      });
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over a lock whose owner died (kill -9 leaves nothing stuck), and releases its own', async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'cuecard-lock-')), 'data');
    await writeFile(`${dir}.lock`, JSON.stringify({ pid: await deadPid(), startedAt: 'then' }));
    const lock = await lockDataFolder(dir);
    expect(JSON.parse(await readFile(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    await expect(lockDataFolder(dir)).rejects.toMatchObject({ code: 'conflict' });
    await lock.release();
    const again = await lockDataFolder(dir);
    await again.release();
  });

  it('takes over a half-written lock file', async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'cuecard-lock-')), 'data');
    await writeFile(`${dir}.lock`, '{"pid":');
    const lock = await lockDataFolder(dir);
    await lock.release();
  });
});

describe('opening an embedded data folder', () => {
  it('refuses a second open of the same folder until the first is closed', async () => {
    const { openDatabase } = await import('./open-database.js');
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'cuecard-lock-')), 'data');
    const first = await openDatabase({ dataDir });
    try {
      await expect(openDatabase({ dataDir })).rejects.toMatchObject({ code: 'conflict' });
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir });
    expect((await again.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await again.close();
  });
});
