import type { Database } from '../stores/database.js';
import type { AuditLog } from './audit-log.js';
import {
  daysFor,
  readRetentionSettings,
  retentionKinds,
  type RetentionKind,
} from './retention-settings.js';

/**
 * One batch per statement: $1 tenant, $2 days, $3 batch size. `FOR UPDATE SKIP LOCKED` lets every
 * instance run the purge at once without waiting on each other or deleting a row twice, and keeps
 * each statement short, so the embedded engine (one statement at a time) serves live
 * conversations between batches.
 */
const batchSql: Record<RetentionKind, ReadonlyArray<readonly [string, string]>> = {
  transcripts: [
    [
      'transcriptItems',
      `DELETE FROM conversation_items WHERE (conversation_id, seq) IN (
         SELECT i.conversation_id, i.seq
           FROM conversations c JOIN conversation_items i ON i.conversation_id = c.id
          WHERE c.tenant_id = $1 AND c.status = 'ended'
            AND c.ended_at < now() - make_interval(days => $2::int)
          LIMIT $3 FOR UPDATE OF i SKIP LOCKED)`,
    ],
    // Analyzer state holds what analyzers kept from the turns (recent text, running scores).
    [
      'analyzerStates',
      `DELETE FROM analyzer_state WHERE (conversation_id, analyzer) IN (
         SELECT s.conversation_id, s.analyzer
           FROM conversations c JOIN analyzer_state s ON s.conversation_id = c.id
          WHERE c.tenant_id = $1 AND c.status = 'ended'
            AND c.ended_at < now() - make_interval(days => $2::int)
          LIMIT $3 FOR UPDATE OF s SKIP LOCKED)`,
    ],
  ],
  events: [
    [
      'events',
      `DELETE FROM events WHERE id IN (
         SELECT id FROM events
          WHERE tenant_id = $1 AND created_at < now() - make_interval(days => $2::int)
          LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    ],
    // A webhook body is an event again, sent out. One being sent right now (its lease runs) is
    // left to finish; the next run takes it.
    [
      'webhookDeliveries',
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries
          WHERE tenant_id = $1 AND created_at < now() - make_interval(days => $2::int)
            AND NOT (status = 'pending' AND lease_until > now())
          LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    ],
  ],
  wrapups: [
    // A reviewer's override goes with the automatic score it overrides (and must go first: it
    // references it), whatever the override's own age.
    [
      'qaOverrides',
      `DELETE FROM qa_overrides WHERE id IN (
         SELECT o.id FROM qa_overrides o JOIN qa_scores q
             ON (q.conversation_id, q.scorecard_id, q.scorecard_version, q.criterion_id)
              = (o.conversation_id, o.scorecard_id, o.scorecard_version, o.criterion_id)
          WHERE q.tenant_id = $1 AND q.created_at < now() - make_interval(days => $2::int)
          LIMIT $3 FOR UPDATE OF o SKIP LOCKED)`,
    ],
    // An override written since the statement above keeps its score until the next run.
    [
      'qaScores',
      `DELETE FROM qa_scores WHERE (conversation_id, scorecard_id, scorecard_version, criterion_id) IN (
         SELECT q.conversation_id, q.scorecard_id, q.scorecard_version, q.criterion_id
           FROM qa_scores q
          WHERE q.tenant_id = $1 AND q.created_at < now() - make_interval(days => $2::int)
            AND NOT EXISTS (SELECT 1 FROM qa_overrides o
                             WHERE (o.conversation_id, o.scorecard_id, o.scorecard_version, o.criterion_id)
                                 = (q.conversation_id, q.scorecard_id, q.scorecard_version, q.criterion_id))
          LIMIT $3 FOR UPDATE OF q SKIP LOCKED)`,
    ],
    // Follow-ups are drafted from the call's commitments (wrap-up), open or done alike.
    [
      'followUps',
      `DELETE FROM follow_up_tasks WHERE id IN (
         SELECT id FROM follow_up_tasks
          WHERE tenant_id = $1 AND created_at < now() - make_interval(days => $2::int)
          LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    ],
    [
      'wrapupResults',
      `DELETE FROM wrapup_results WHERE (conversation_id, kind) IN (
         SELECT conversation_id, kind FROM wrapup_results
          WHERE tenant_id = $1 AND created_at < now() - make_interval(days => $2::int)
          LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    ],
    // The agent's edited summary is part of the wrap-up, kept as long as the generated one.
    [
      'summaryEdits',
      `DELETE FROM summary_edits WHERE conversation_id IN (
         SELECT conversation_id FROM summary_edits
          WHERE tenant_id = $1 AND edited_at < now() - make_interval(days => $2::int)
          LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    ],
    // The similar-case index is the wrap-up summary again, embedded.
    [
      'caseIndex',
      `DELETE FROM case_vectors WHERE conversation_id IN (
         SELECT conversation_id FROM case_vectors
          WHERE tenant_id = $1 AND created_at < now() - make_interval(days => $2::int)
          LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    ],
  ],
};

export interface RetentionPurgeOptions {
  db: Database;
  audit: AuditLog;
  /** Rows per statement (default 500). */
  batchSize?: number;
  /** Pause between batches, so live statements go first on the embedded engine (default 10 ms). */
  pauseMs?: number;
}

/** Rows removed per tenant, by table. */
export type PurgeReport = Record<string, Record<string, number>>;

/**
 * Deletes what every tenant's retention settings say is too old, in small batches, and records
 * one audit entry per tenant that lost rows.
 */
export function createRetentionPurge(options: RetentionPurgeOptions) {
  const { db, audit } = options;
  const batchSize = options.batchSize ?? 500;
  const pauseMs = options.pauseMs ?? 10;

  async function purgeTable(sql: string, tenantId: string, days: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { affectedRows } = await db.query(sql, [tenantId, days, batchSize], {
        priority: 'background',
      });
      total += affectedRows;
      if (affectedRows < batchSize) return total;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  async function purgeTenant(tenantId: string, stored: unknown): Promise<Record<string, number>> {
    const settings = readRetentionSettings(stored);
    const counts: Record<string, number> = {};
    for (const kind of retentionKinds) {
      const days = daysFor(settings, kind);
      if (days === undefined) continue;
      for (const [table, sql] of batchSql[kind]) {
        const removed = await purgeTable(sql, tenantId, days);
        if (removed > 0) counts[table] = (counts[table] ?? 0) + removed;
      }
    }
    if (Object.keys(counts).length > 0) {
      await audit.record(db, {
        tenantId,
        actor: { keyId: null, keyName: 'retention' },
        action: 'retention.purged',
        counts,
      });
    }
    return counts;
  }

  return async function purgeOnce(): Promise<PurgeReport> {
    const { rows } = await db.query<{ id: string; retention: unknown }>(
      `SELECT id, settings -> 'retention' AS retention FROM tenants
        WHERE settings ? 'retention' ORDER BY id`,
    );
    const report: PurgeReport = {};
    for (const row of rows) {
      const counts = await purgeTenant(row.id, row.retention);
      if (Object.keys(counts).length > 0) report[row.id] = counts;
    }
    return report;
  };
}

export type RetentionPurge = ReturnType<typeof createRetentionPurge>;

/**
 * Runs the purge every `intervalMs` on this instance (every instance runs it; SKIP LOCKED keeps
 * them apart). The first run waits one interval, so a restart loop does not purge in a loop.
 */
export function scheduleRetention(
  purge: RetentionPurge,
  options: { intervalMs: number; onError: (error: unknown) => void },
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = purge().catch(options.onError).finally(next);
    }, options.intervalMs);
    timer.unref();
  };
  next();
  return {
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
