import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { startEmbeddedMaintenance } from './embedded-maintenance.js';
import { migrate } from './migrate.js';
import { openDatabase } from './open-database.js';

/**
 * Reads that stay cheap as data grows, on the engine that has no autovacuum: 60,000 events of
 * 1,500 conversations and 30 agents, never analysed, as a long-running embedded server has them.
 */
describe('embedded database upkeep', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await db.exec(`
      INSERT INTO tenants (id, name) VALUES ('t', 't');
      INSERT INTO conversations (id, tenant_id, external_id, channel, agent_id)
        SELECT 'c' || g, 't', 'x' || g, 'voice', 'a' || (g % 30) FROM generate_series(1, 1500) g;
      INSERT INTO events (tenant_id, conversation_id, agent_id, type, seq, payload)
        SELECT 't', 'c' || (g % 1500 + 1), 'a' || ((g % 1500 + 1) % 30), 'analysis', g, '{}'::jsonb
          FROM generate_series(1, 60000) g;`);
  });
  afterAll(async () => db?.close());

  const plan = async (sql: string, params: unknown[]) =>
    (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params as string[])).rows
      .map((row) => row['QUERY PLAN'])
      .join('\n');

  it('reads one conversation and one agent through indexes that match, with no statistics at all', async () => {
    const { rows } = await db.query<{ last_analyze: string | null }>(
      `SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'events'`,
    );
    expect(rows[0]?.last_analyze ?? null).toBeNull();
    const conversation = await plan(
      'SELECT * FROM events WHERE tenant_id = $1 AND id > $2 AND conversation_id = $3 ORDER BY id LIMIT 500',
      ['t', 0, 'c42'],
    );
    expect(conversation).toContain('events_tenant_conversation');
    const agent = await plan(
      'SELECT * FROM events WHERE tenant_id = $1 AND id > $2 AND agent_id = $3 ORDER BY id LIMIT 500',
      ['t', 0, 'a7'],
    );
    expect(agent).toContain('events_tenant_agent');
  });

  it('analyses (and vacuums) the tables the way a server’s autovacuum would', async () => {
    const maintenance = startEmbeddedMaintenance(db, { firstAfterMs: 60_000 });
    await maintenance.runOnce(true);
    await maintenance.stop();
    const { rows } = await db.query<{ analysed: boolean; estimate: number }>(
      `SELECT s.last_analyze IS NOT NULL AS analysed, c.reltuples::float8 AS estimate
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'events'`,
    );
    expect(rows[0]).toMatchObject({ analysed: true });
    expect(rows[0]!.estimate).toBeGreaterThan(50_000);
  });

  it('checkpoints, so the WAL is recycled and a crash replays only what came after', async () => {
    const redo = async () =>
      (
        await db.query<{ redo: string }>(
          'SELECT redo_lsn::text AS redo FROM pg_control_checkpoint()',
        )
      ).rows[0]!.redo;
    const before = await redo();
    await db.exec(`UPDATE events SET payload = '{"upkept": true}'::jsonb WHERE seq <= 5000`);
    const { rows } = await db.query<{ ahead: boolean }>(
      'SELECT pg_current_wal_lsn() > $1::pg_lsn AS ahead',
      [before],
    );
    expect(rows[0]?.ahead).toBe(true);
    const maintenance = startEmbeddedMaintenance(db, { firstAfterMs: 60_000 });
    await maintenance.runOnce();
    await maintenance.stop();
    const { rows: after } = await db.query<{ moved: boolean }>(
      'SELECT $1::pg_lsn < (SELECT redo_lsn FROM pg_control_checkpoint()) AS moved',
      [before],
    );
    expect(after[0]?.moved).toBe(true);
  });
});
