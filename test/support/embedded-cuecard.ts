import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/config.js';
import { composeCuecard, type Cuecard } from '../../src/app/compose-cuecard.js';
import { openDatabase } from '../../src/stores/open-database.js';

export interface EmbeddedCuecard {
  cuecard: Cuecard;
  wsUrl: string;
  close(): Promise<void>;
}

/**
 * The service as `npm start` assembles it (default capabilities, dev tenant, redaction) on an
 * in-memory embedded database, listening on a free loopback port. `env` adds configuration.
 */
export async function startEmbeddedCuecard(
  name: string,
  env: Record<string, string> = {},
): Promise<EmbeddedCuecard> {
  const db = await openDatabase({});
  const config = loadConfig({
    CUECARD_DATA_DIR: `${process.env.TMPDIR ?? '/tmp'}/cuecard-${name}-${process.pid}/data`,
    ...env,
  });
  const cuecard = await composeCuecard(config, { db, logger: false, devTenant: true }).catch(
    async (error: unknown) => {
      await db.close();
      throw error;
    },
  );
  await cuecard.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    cuecard,
    wsUrl: `ws://127.0.0.1:${(cuecard.app.server.address() as AddressInfo).port}`,
    async close() {
      await cuecard.close();
      await db.close();
    },
  };
}
