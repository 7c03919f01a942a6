import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { engines, openTestDatabase, serverUrl } from '../../test/support/test-database.js';
import { openDatabase } from './open-database.js';
import { startConfigChanges, type ConfigChanges, type ConfigKind } from './config-changes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records (kind, tenant) as handlers hear them. */
function record(changes: ConfigChanges, kinds: ConfigKind[]): string[] {
  const heard: string[] = [];
  for (const kind of kinds) changes.on(kind, (tenantId) => void heard.push(`${kind} ${tenantId}`));
  return heard;
}

async function until(condition: () => boolean, ms: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await sleep(20);
  }
  return Date.now() - started;
}

describe.each(engines)('configuration changes (%s)', (engine) => {
  let db: Database & { url?: string };
  beforeAll(async () => {
    db = await openTestDatabase(engine);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('cfg-a', 'A'), ('cfg-b', 'B')`);
  });
  afterAll(async () => db?.close());

  it('tells each kind’s handlers which tenant changed, once per change, by polling alone', async () => {
    const changes = await startConfigChanges(db, { pollMs: 100 });
    const heard = record(changes, ['settings', 'churn']);
    try {
      await db.query(`UPDATE tenants SET settings = '{"piiMode":"off"}' WHERE id = 'cfg-a'`);
      // A rename is not configuration any cache holds.
      await db.query(`UPDATE tenants SET name = 'Renamed' WHERE id = 'cfg-b'`);
      await until(() => heard.length >= 1, 2_000);
      await sleep(300);
      expect(heard).toEqual(['settings cfg-a']);
      await db.query(
        `INSERT INTO churn_training (tenant_id, csv, id_column, label_column, customers, churn_rate)
         VALUES ('cfg-b', 'x', 'id', 'Churn', 1, 0)`,
      );
      await until(() => heard.length >= 2, 2_000);
      expect(heard).toEqual(['settings cfg-a', 'churn cfg-b']);
    } finally {
      await changes.stop();
    }
  });

  it('does not replay changes made before it started', async () => {
    await db.query(`UPDATE tenants SET settings = '{"piiMode":"mask"}' WHERE id = 'cfg-a'`);
    const changes = await startConfigChanges(db, { pollMs: 50 });
    const heard = record(changes, ['settings']);
    await sleep(300);
    await changes.stop();
    expect(heard).toEqual([]);
  });
});

describe.runIf(serverUrl)('configuration changes across connections (postgres)', () => {
  let db: Database & { url?: string };
  let other: Database;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    other = await openDatabase({ databaseUrl: db.url });
    await db.query(`INSERT INTO tenants (id, name) VALUES ('cfg-a', 'A'), ('cfg-b', 'B')`);
  });
  afterAll(async () => {
    await other?.close();
    await db?.close();
  });

  it('hears another connection’s commit at once through NOTIFY (the poll is a minute away)', async () => {
    const changes = await startConfigChanges(db, { databaseUrl: db.url, pollMs: 60_000 });
    const heard = record(changes, ['settings']);
    try {
      await other.query(`UPDATE tenants SET settings = '{"piiMode":"hash"}' WHERE id = 'cfg-b'`);
      const ms = await until(() => heard.length > 0, 2_000);
      expect(heard).toEqual(['settings cfg-b']);
      expect(ms).toBeLessThan(2_000);
    } finally {
      await changes.stop();
    }
  });

  it('does not skip a change that commits after a later one was already seen', async () => {
    const changes = await startConfigChanges(db, { pollMs: 60_000 });
    const heard = record(changes, ['settings']);
    try {
      let commitSlow!: () => void;
      const slowMayCommit = new Promise<void>((resolve) => (commitSlow = resolve));
      // The slow writer takes its transaction id first, then a quick writer commits.
      const slow = other.transaction(async (tx) => {
        await tx.query(`UPDATE tenants SET settings = '{"slow":true}' WHERE id = 'cfg-a'`);
        await slowMayCommit;
      });
      await sleep(200);
      await db.query(`UPDATE tenants SET settings = '{"quick":true}' WHERE id = 'cfg-b'`);
      await changes.poll();
      expect(heard).toEqual(['settings cfg-b']);
      commitSlow();
      await slow;
      await changes.poll();
      expect(heard).toEqual(['settings cfg-b', 'settings cfg-a']);
    } finally {
      await changes.stop();
    }
  });
});
