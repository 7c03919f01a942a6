import { readFile, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files an embedded install keeps inside its data folder, so that one folder (CUECARD_DATA_DIR)
 * holds everything a local Cuecard owns and deleting it starts over cleanly. Postgres ignores
 * files it does not know in its data directory.
 */
export function devKeysFile(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'dev-keys.json');
}

/** Where the development keys were kept before they moved inside the data folder. */
export function legacyDevKeysFile(dataDir: string): string {
  return path.join(path.dirname(path.resolve(dataDir)), 'dev-keys.json');
}

export function serverFile(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'server.json');
}

/** What `npm start` writes once it listens, so that `npm run demo` can find it. */
export interface RunningServer {
  url: string;
  pid: number;
  startedAt: string;
}

export async function writeServerFile(dataDir: string, url: string): Promise<void> {
  const file = serverFile(dataDir);
  await mkdir(path.dirname(file), { recursive: true });
  const server: RunningServer = { url, pid: process.pid, startedAt: new Date().toISOString() };
  // Written whole then renamed: a reader never sees half a file.
  await writeFile(`${file}.tmp`, JSON.stringify(server, null, 2));
  await rename(`${file}.tmp`, file);
}

/** Removes the server file if this process wrote it (a newer server may have replaced it). */
export async function removeServerFile(dataDir: string): Promise<void> {
  const file = serverFile(dataDir);
  const server = await readJson<RunningServer>(file);
  if (server?.pid === process.pid) await rm(file, { force: true });
}

/**
 * The server `npm start` runs on this data folder, if it answers its liveness check. A file left
 * by a killed server names a dead process or a closed port, and is ignored.
 */
export async function findRunningServer(dataDir: string): Promise<RunningServer | null> {
  const server = await readJson<RunningServer>(serverFile(dataDir));
  if (!server || typeof server.url !== 'string' || !isRunning(server.pid)) return null;
  try {
    const response = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? server : null;
  } catch {
    // Connection refused or timed out: nothing listens there any more.
    return null;
  }
}

/** Reads a JSON file; null when it is missing or unreadable (the callers treat both as absent). */
export async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
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
