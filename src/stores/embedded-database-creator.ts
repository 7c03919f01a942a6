import { openInThreadPgliteDatabase } from './pglite-database.js';
import { migrate } from './migrate.js';
import { serializeError, type SerializedError } from './pglite-worker-protocol.js';

/**
 * The child process of `createEmbeddedDatabase`: given a data folder by its parent (which holds
 * the folder's lock), creates the database there, migrates it, closes it and exits, so that all
 * the memory this took goes back to the system.
 */
export type CreationReply =
  { type: 'created'; applied: string[] } | { type: 'failed'; error: SerializedError };

async function create(dataDir: string): Promise<CreationReply> {
  try {
    const db = await openInThreadPgliteDatabase(dataDir);
    try {
      return { type: 'created', applied: await migrate(db) };
    } finally {
      await db.close();
    }
  } catch (error) {
    return { type: 'failed', error: serializeError(error) };
  }
}

process.once('message', (request: { dataDir: string }) => {
  void create(request.dataDir).then((reply) => {
    process.send?.(reply, () => process.disconnect?.());
  });
});
