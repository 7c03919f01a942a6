import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Vitest global setup: every temporary folder a test run makes lands in one folder of its own,
 * removed when the run ends. Tests still remove what they make; this catches what a failed test,
 * a child process or a library (PGlite, model caches) leaves behind, so runs never fill /tmp.
 * Worker processes and the processes tests start inherit TMPDIR, and os.tmpdir() reads it.
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const systemTmp = tmpdir();
  const root = mkdtempSync(path.join(systemTmp, 'cuecard-test-run-'));
  keepTsxCache(systemTmp, root);
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    // The tsx cache is a link: removed, not followed.
    rmSync(root, { recursive: true, force: true });
  };
}

/**
 * tsx keeps compiled sources in <tmp>/tsx-<uid>. The CLIs tests start (`node --import tsx`)
 * would compile every file again in a fresh folder: several seconds each on a busy machine.
 */
function keepTsxCache(systemTmp: string, root: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const cache = path.join(systemTmp, `tsx-${uid}`);
  mkdirSync(cache, { recursive: true });
  symlinkSync(cache, path.join(root, `tsx-${uid}`), 'dir');
}
