import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { composeCuecard, type Cuecard } from '../src/app/compose-cuecard.js';
import { instanceOrigin, withApplicationName } from '../src/app/event-relay.js';
import { openDatabase } from '../src/stores/open-database.js';
import type { Database } from '../src/stores/database.js';
import { openTestDatabase, serverUrl } from './support/test-database.js';

// Two processes started with the same CUECARD_INSTANCE_ID would release each other's leases and
// drop each other's live events: the second one to start says so in its log.
describe.runIf(serverUrl)('instance ids on one Postgres server', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const resource of opened.reverse()) await resource.close();
  });

  async function compose(instanceId: string, url: string): Promise<Cuecard> {
    const config = loadConfig({ CUECARD_INSTANCE_ID: instanceId, LOG_LEVEL: 'warn' });
    const origin = instanceOrigin(config);
    const db: Database = await openDatabase({ databaseUrl: withApplicationName(url, origin) });
    opened.push(db);
    const cuecard = await composeCuecard(config, {
      db,
      capabilities: 'none',
      devTenant: false,
      logger: true,
      relay: { databaseUrl: url, origin },
    });
    opened.push(cuecard);
    return cuecard;
  }

  it('warns once, naming the id and what breaks, when a second live instance starts with it', async () => {
    const db = await openTestDatabase('postgres');
    opened.push(db);
    // Pino writes through process.stdout once its `write` is replaced.
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await compose('eu-west-1', db.url!);
      await compose('eu-west-2', db.url!);
      expect(lines.filter((line) => line.includes('CUECARD_INSTANCE_ID'))).toEqual([]);
      await compose('eu-west-1', db.url!);
    } finally {
      write.mockRestore();
    }
    const warnings = lines
      .filter((line) => line.includes('CUECARD_INSTANCE_ID'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; pid: number });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe(40);
    expect(warnings[0]!.msg).toMatch(/"eu-west-1" is also used by another live instance/);
    expect(warnings[0]!.msg).toMatch(/leases/);
  });
});
