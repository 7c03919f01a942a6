import { spawn } from 'node:child_process';
import { CuecardError } from '../errors/cuecard-error.js';
import { lockDataFolder } from './data-folder-lock.js';
import { deserializeError } from './pglite-worker-protocol.js';
import type { CreationReply } from './embedded-database-creator.js';

const creatorUrl = new URL('./embedded-database-creator.ts', import.meta.url).href;
// A child process does not inherit tsx's loader either: registered the way the workers do it.
const creatorBootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(creatorUrl)}); })`;

/**
 * Creates a new embedded data folder (initdb) and applies the migrations in a child process, and
 * returns the migrations applied once that process has exited. In this process's own threads the
 * same work left ~110 MB resident after its engine had closed (compiled WASM code and allocator
 * arenas that the process keeps); an exited process returns all of it (docs/decisions/0031). The
 * folder stays locked by this process throughout, so no other server opens it half-created.
 */
export async function createEmbeddedDatabase(dataDir: string): Promise<string[]> {
  const lock = await lockDataFolder(dataDir);
  try {
    return await runCreator(dataDir);
  } finally {
    await lock.release();
  }
}

function runCreator(dataDir: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '--eval', creatorBootstrap], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let reply: CreationReply | undefined;
    // Only the end is kept: what a crashing process printed last says why.
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-2000);
    });
    child.on('message', (message: CreationReply) => (reply = message));
    child.on('error', (error) => reject(failure(dataDir, error.message, error)));
    child.on('exit', (code, signal) => {
      if (reply?.type === 'created') resolve(reply.applied);
      else if (reply?.type === 'failed') reject(failureOf(dataDir, deserializeError(reply.error)));
      else {
        const why = stderr.trim() || `it exited with ${signal ?? `code ${code}`}`;
        reject(failure(dataDir, why));
      }
    });
    child.send({ dataDir });
  });
}

/** A migration that failed keeps its code; anything else means the engine could not start. */
function failureOf(dataDir: string, error: Error): CuecardError {
  if ((error as { code?: unknown }).code === 'migration_failed') {
    return new CuecardError('migration_failed', error.message, { cause: error });
  }
  return failure(dataDir, error.message, error);
}

function failure(dataDir: string, why: string, cause?: Error): CuecardError {
  return new CuecardError(
    'provider_unavailable',
    `The embedded database (PGlite in ${dataDir}) could not be created: ${why}`,
    cause ? { cause } : {},
  );
}
