import type { Database } from '../../stores/database.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { saveScorecard } from './qa-store.js';
import { scorecardSchema, type Scorecard } from './scorecard.js';

/**
 * Versioned scorecards per tenant. A tenant starts on the bundled default; each change through
 * the API is stored as the next version, and QA scores keep the version they were computed with.
 */
export function createScorecardService(db: Database, defaultScorecard: Scorecard) {
  // The read in flight is cached, so `forget` during a read also drops what that read returns.
  const current = new Map<string, Promise<Scorecard>>();

  async function read(tenantId: string): Promise<Scorecard> {
    const { rows } = await db.query<{ definition: Scorecard }>(
      'SELECT definition FROM scorecards WHERE tenant_id = $1 ORDER BY created_at DESC, version DESC LIMIT 1',
      [tenantId],
    );
    const scorecard = rows[0]?.definition ?? defaultScorecard;
    // The version in use must exist in the table: overrides and scores refer to it.
    await saveScorecard(db, tenantId, scorecard);
    return scorecard;
  }

  return {
    currentFor(tenantId: string): Promise<Scorecard> {
      const cached = current.get(tenantId);
      if (cached) return cached;
      const scorecard = read(tenantId);
      current.set(tenantId, scorecard);
      scorecard.catch(() => current.get(tenantId) === scorecard && current.delete(tenantId));
      return scorecard;
    },
    /** Drops the cached scorecard (saved elsewhere): the next conversation reads the latest. */
    forget(tenantId: string): void {
      current.delete(tenantId);
    },
    async versions(tenantId: string) {
      const { rows } = await db.query<{ id: string; version: number; created_at: Date }>(
        'SELECT id, version, created_at FROM scorecards WHERE tenant_id = $1 ORDER BY created_at DESC, version DESC',
        [tenantId],
      );
      return rows.map((row) => ({
        id: row.id,
        version: row.version,
        createdAt: new Date(row.created_at).toISOString(),
      }));
    },
    /** Validates (every problem listed) and stores the next version; new conversations use it. */
    async save(tenantId: string, body: unknown): Promise<Scorecard> {
      const parsed = scorecardSchema.omit({ version: true }).safeParse(body);
      if (!parsed.success) {
        throw new CuecardError(
          'validation_failed',
          `Invalid scorecard: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')}`,
          { field: parsed.error.issues[0]?.path.join('.') || 'body' },
        );
      }
      const { rows } = await db.query<{ v: number }>(
        'SELECT coalesce(max(version), 0)::int AS v FROM scorecards WHERE tenant_id = $1 AND id = $2',
        [tenantId, parsed.data.id],
      );
      const scorecard: Scorecard = { ...parsed.data, version: (rows[0]?.v ?? 0) + 1 };
      await saveScorecard(db, tenantId, scorecard);
      current.set(tenantId, Promise.resolve(scorecard));
      return scorecard;
    },
  };
}

export type ScorecardService = ReturnType<typeof createScorecardService>;
