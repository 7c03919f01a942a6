import { mkdtempSync, rmSync } from 'node:fs';
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
  const root = mkdtempSync(path.join(tmpdir(), 'cuecard-test-run-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
