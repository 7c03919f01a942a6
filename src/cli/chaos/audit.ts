import type { Queryable } from '../../stores/database.js';
import type { Ledger } from './traffic.js';
import type { Follower, Scope } from './subscribers.js';

/** What the run promised against what the database holds. Every count here must be 0. */
export interface Findings {
  ackedWithoutAnalysis: number;
  ackedWithoutItemFinal: number;
  analysesTwice: number;
  endedWithoutWrapup: number;
  wrapupStepsTwice: number;
  workFailed: number;
  workPending: number;
}

async function rows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query<T>(sql, params as string[])).rows;
}

export async function auditWork(
  db: Queryable,
  tenantId: string,
  ledger: Ledger,
): Promise<Findings> {
  const analysed = new Set(
    (
      await rows<{ key: string }>(
        db,
        `SELECT DISTINCT c.external_id || ':' || e.seq AS key FROM events e
           JOIN conversations c ON c.id = e.conversation_id
          WHERE e.tenant_id = $1 AND e.type = 'analysis'`,
        [tenantId],
      )
    ).map((row) => row.key),
  );
  const finals = new Set(
    (
      await rows<{ key: string }>(
        db,
        `SELECT c.external_id || ':' || (e.payload->'item'->>'seq') AS key FROM events e
           JOIN conversations c ON c.id = e.conversation_id
          WHERE e.tenant_id = $1 AND e.type = 'item-final'`,
        [tenantId],
      )
    ).map((row) => row.key),
  );
  const wrapped = new Set(
    (
      await rows<{ external_id: string }>(
        db,
        `SELECT DISTINCT c.external_id FROM events e JOIN conversations c ON c.id = e.conversation_id
          WHERE e.tenant_id = $1 AND e.type = 'wrapup'`,
        [tenantId],
      )
    ).map((row) => row.external_id),
  );
  const [twice] = await rows<{ analyses: number; steps: number }>(
    db,
    `SELECT
       (SELECT count(*)::int FROM (SELECT 1 FROM events WHERE tenant_id = $1 AND type = 'analysis'
          GROUP BY conversation_id, seq, payload->>'analyzer' HAVING count(*) > 1) a) AS analyses,
       (SELECT count(*)::int FROM (SELECT 1 FROM events WHERE tenant_id = $1 AND type = 'wrapup'
          GROUP BY conversation_id, payload->>'step' HAVING count(*) > 1) w) AS steps`,
    [tenantId],
  );
  const [work] = await rows<{ failed: number; pending: number }>(
    db,
    `SELECT count(*) FILTER (WHERE state = 'failed')::int AS failed,
            count(*) FILTER (WHERE state = 'pending')::int AS pending
       FROM work_items WHERE payload->>'tenantId' = $1`,
    [tenantId],
  );
  return {
    ackedWithoutAnalysis: [...ledger.acked].filter((key) => !analysed.has(key)).length,
    ackedWithoutItemFinal: [...ledger.acked].filter((key) => !finals.has(key)).length,
    analysesTwice: twice?.analyses ?? 0,
    endedWithoutWrapup: [...ledger.ended].filter((id) => !wrapped.has(id)).length,
    wrapupStepsTwice: twice?.steps ?? 0,
    workFailed: work?.failed ?? 0,
    workPending: work?.pending ?? 0,
  };
}

/** The durable event ids the database holds for a follower's scope. */
export async function idsOfScope(db: Queryable, tenantId: string, scope: Scope): Promise<number[]> {
  const where =
    scope.scope === 'agent'
      ? 'AND e.agent_id = $2'
      : scope.scope === 'conversation'
        ? 'AND c.external_id = $2'
        : '';
  const params =
    scope.scope === 'agent'
      ? [tenantId, scope.agentId]
      : scope.scope === 'conversation'
        ? [tenantId, scope.conversationId]
        : [tenantId];
  return (
    await rows<{ id: string | number }>(
      db,
      `SELECT e.id FROM events e JOIN conversations c ON c.id = e.conversation_id
        WHERE e.tenant_id = $1 ${where} ORDER BY e.id`,
      params,
    )
  ).map((row) => Number(row.id));
}

export async function auditFollowers(
  db: Queryable,
  tenantId: string,
  followers: readonly Follower[],
) {
  const out: Array<{ scope: string } & ReturnType<Follower['audit']>> = [];
  for (const follower of followers) {
    const name =
      follower.scope.scope === 'tenant'
        ? 'tenant'
        : follower.scope.scope === 'agent'
          ? `agent ${follower.scope.agentId}`
          : `conversation ${follower.scope.conversationId}`;
    out.push({ scope: name, ...follower.audit(await idsOfScope(db, tenantId, follower.scope)) });
  }
  return out;
}

/** Which instance finished how much of the run's work (done rows keep their finisher's name). */
export async function workByInstance(db: Queryable, tenantId: string) {
  const finished = await rows<{ owner: string | null; kind: string; n: number }>(
    db,
    `SELECT lease_owner AS owner, kind, count(*)::int AS n FROM work_items
      WHERE payload->>'tenantId' = $1 AND state = 'done' GROUP BY 1, 2 ORDER BY 1, 2`,
    [tenantId],
  );
  const out: Record<string, Record<string, number>> = {};
  for (const row of finished) (out[row.owner ?? 'unknown'] ??= {})[row.kind] = row.n;
  return out;
}
