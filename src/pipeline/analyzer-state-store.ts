import type { Queryable } from '../stores/database.js';

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
  };
}
