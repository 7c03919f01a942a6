import type { Queryable, SqlParam } from '../stores/database.js';

/**
 * What each analyzer keeps per conversation between items (table `analyzer_state`), so no
 * conversation's memory lives only in one process. States are opaque here: each analyzer reads
 * back what it wrote (the contract types them per analyzer name).
 */
export interface AnalyzerStateStore {
  /** Every analyzer's state of the conversation, by analyzer name (empty for a new one). */
  load(conversationId: string): Promise<Map<string, unknown>>;
  /** Writes the states that changed on one item, in one statement (latest wins per analyzer). */
  save(conversationId: string, changed: readonly (readonly [string, unknown])[]): Promise<void>;
  /**
   * The same, only if `guard` — a CTE of the same statement that returns a row when it
   * succeeds (durable work completing its row: stores/work-queue.ts completionCte) — does;
   * answers whether it did. One statement: both happen or neither.
   */
  saveGuarded(
    conversationId: string,
    changed: readonly (readonly [string, unknown])[],
    guard: { name: string; cte: string; params: readonly SqlParam[] },
  ): Promise<boolean>;
}

export function createAnalyzerStateStore(db: Queryable): AnalyzerStateStore {
  return {
    async load(conversationId) {
      const { rows } = await db.query<{ analyzer: string; state: unknown }>(
        'SELECT analyzer, state FROM analyzer_state WHERE conversation_id = $1',
        [conversationId],
      );
      return new Map(rows.map((row) => [row.analyzer, row.state]));
    },

    async save(conversationId, changed) {
      if (changed.length === 0) return;
      const params: string[] = [];
      const values = changed.map(([name, value]) => {
        params.push(conversationId, name, JSON.stringify(value));
        return `($${params.length - 2}, $${params.length - 1}, $${params.length})`;
      });
      await db.query(
        `INSERT INTO analyzer_state (conversation_id, analyzer, state) VALUES ${values.join(', ')}
         ON CONFLICT (conversation_id, analyzer) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
        params,
      );
    },

    async saveGuarded(conversationId, changed, guard) {
      const params: SqlParam[] = [...guard.params];
      const values = changed.map(([name, value]) => {
        params.push(conversationId, name, JSON.stringify(value));
        return `($${params.length - 2}::text, $${params.length - 1}::text, $${params.length}::jsonb)`;
      });
      const save =
        values.length === 0
          ? ''
          : `, saved AS (
              INSERT INTO analyzer_state (conversation_id, analyzer, state)
              SELECT v.c, v.a, v.s FROM (VALUES ${values.join(', ')}) AS v(c, a, s)
              WHERE EXISTS (SELECT 1 FROM ${guard.name})
              ON CONFLICT (conversation_id, analyzer)
                DO UPDATE SET state = EXCLUDED.state, updated_at = now()
              RETURNING 1)`;
      const { rows } = await db.query<{ passed: number }>(
        `WITH ${guard.cte}${save} SELECT (SELECT count(*) FROM ${guard.name})::int AS passed`,
        params,
      );
      return (rows[0]?.passed ?? 0) > 0;
    },
  };
}
