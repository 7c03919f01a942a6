import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, serverUrl } from '../../test/support/test-database.js';
import type { Database } from './database.js';
import {
  startInstanceIdGuard,
  type InstanceIdClash,
  type InstanceIdGuard,
} from './instance-id-guard.js';

describe.runIf(serverUrl)('instance id guard (postgres)', () => {
  let db: Database & { url?: string };
  const guards: InstanceIdGuard[] = [];
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    for (const guard of guards) await guard.stop();
    await db?.close();
  });

  async function guard(instanceId: string, clashes: InstanceIdClash[]) {
    const started = await startInstanceIdGuard(db.url!, {
      instanceId,
      applicationName: `cuecard-${instanceId}`,
      intervalMs: 60_000,
      onClash: (clash) => clashes.push(clash),
    });
    guards.push(started);
    return started;
  }

  it('names the live process that already runs under an id, once, and takes the id when it is gone', async () => {
    const firstClashes: InstanceIdClash[] = [];
    const first = await guard('eu-1', firstClashes);
    const { rows } = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'cuecard-eu-1'`,
    );
    expect(rows).toHaveLength(1);

    const secondClashes: InstanceIdClash[] = [];
    const second = await guard('eu-1', secondClashes);
    expect(secondClashes).toEqual([
      expect.objectContaining({ instanceId: 'eu-1', pid: rows[0]!.pid }),
    ]);
    // Still there at the next check, but reported once.
    expect(await second.check()).toMatchObject({ pid: rows[0]!.pid });
    expect(secondClashes).toHaveLength(1);
    // Another id is no clash, and the first process hears of none.
    const otherClashes: InstanceIdClash[] = [];
    await guard('eu-2', otherClashes);
    expect(otherClashes).toEqual([]);
    expect(await first.check()).toBeNull();
    expect(firstClashes).toEqual([]);

    // The first process ends (a crash ends its connection just the same): the id is free.
    await first.stop();
    expect(await second.check()).toBeNull();
  });
});
