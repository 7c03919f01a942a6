import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const root = path.resolve(import.meta.dirname, '../..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds web/dist when its sources changed. Browser test files run in parallel workers, and two
 * Vite builds into one dist would delete each other's files, so they take turns (a directory
 * made with mkdir is the lock; one older than the slowest build is left over from a crash).
 */
export async function buildConsoles(): Promise<void> {
  const lock = path.join(
    tmpdir(),
    `cuecard-build-web-${createHash('sha1').update(root).digest('hex').slice(0, 10)}.lock`,
  );
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 300_000) await rm(lock, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts/build-web.mjs')], {
      cwd: root,
    });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
