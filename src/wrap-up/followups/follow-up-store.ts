import type { Queryable } from '../../stores/database.js';
import type { Commitment } from './commitments.js';

export interface FollowUpTask {
  id: number;
  conversationId: string;
  sourceSeq: number;
  kind: string;
  owner: string | null;
  dueAt: string | null;
  draftMessage: string;
  status: 'open' | 'done' | 'cancelled';
  createdAt: string;
  /** What the agent did with the proposed task at wrap-up; null until then. */
  decision: FollowUpDecision | null;
  /** The key (agent) that decided, and when. */
  decidedBy: string | null;
  decidedAt: string | null;
}

export type FollowUpDecision = 'accepted' | 'changed' | 'dismissed';

interface Row {
  id: number;
  conversation_id: string;
  source_seq: number;
  kind: string;
  owner: string | null;
  due_at: Date | null;
  draft_message: string;
  status: FollowUpTask['status'];
  created_at: Date;
  decision: FollowUpDecision | null;
  decided_by: string | null;
  decided_at: Date | null;
}

const toTask = (row: Row): FollowUpTask => ({
  id: row.id,
  conversationId: row.conversation_id,
  sourceSeq: row.source_seq,
  kind: row.kind,
  owner: row.owner,
  dueAt: row.due_at ? new Date(row.due_at).toISOString() : null,
  draftMessage: row.draft_message,
  status: row.status,
  createdAt: new Date(row.created_at).toISOString(),
  decision: row.decision ?? null,
  decidedBy: row.decided_by ?? null,
  decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
});

/**
 * Turns a conversation's commitments into tasks. Re-running the wrap-up (a retry) keeps the task
 * of each commitment it already made, by the turn that made it and its kind: same id and created
 * time (a console holding the task still finds it) and the same status (a task the agent closed
 * used to come back as a second, open task). Changed wording or due time is updated; open tasks
 * no longer committed are dropped.
 */
export async function saveFollowUps(
  db: Queryable,
  tenantId: string,
  conversationId: string,
  owner: string | null,
  commitments: readonly Commitment[],
): Promise<FollowUpTask[]> {
  const { rows: existing } = await db.query<Row>(
    `SELECT * FROM follow_up_tasks WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY id`,
    [tenantId, conversationId],
  );
  const tasks: FollowUpTask[] = [];
  for (const commitment of commitments) {
    const index = existing.findIndex(
      (row) => row.source_seq === commitment.seq && row.kind === commitment.kind,
    );
    const [known] = index >= 0 ? existing.splice(index, 1) : [];
    // The agent's word stands over the draft: a retried wrap-up keeps a decided task as it is.
    if (known?.decision) {
      tasks.push(toTask(known));
      continue;
    }
    const dueAt = commitment.dueAt ? new Date(commitment.dueAt).toISOString() : null;
    if (
      known &&
      (known.due_at ? new Date(known.due_at).toISOString() : null) === dueAt &&
      known.draft_message === commitment.draftMessage &&
      known.owner === owner
    ) {
      tasks.push(toTask(known));
      continue;
    }
    const { rows } = known
      ? await db.query<Row>(
          // A new due time is announced again when it comes (webhook follow_up.due).
          `UPDATE follow_up_tasks SET owner = $3, due_at = $4, draft_message = $5,
                  due_notified_at = CASE WHEN due_at IS DISTINCT FROM $4::timestamptz
                                         THEN NULL ELSE due_notified_at END
            WHERE tenant_id = $1 AND id = $2 RETURNING *`,
          [tenantId, known.id, owner, commitment.dueAt, commitment.draftMessage],
        )
      : await db.query<Row>(
          `INSERT INTO follow_up_tasks (tenant_id, conversation_id, source_seq, kind, owner, due_at, draft_message)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
          [
            tenantId,
            conversationId,
            commitment.seq,
            commitment.kind,
            owner,
            commitment.dueAt,
            commitment.draftMessage,
          ],
        );
    tasks.push(toTask(rows[0]!));
  }
  const stale = existing
    .filter((row) => row.status === 'open' && !row.decision)
    .map((row) => row.id);
  if (stale.length > 0)
    await db.query(`DELETE FROM follow_up_tasks WHERE tenant_id = $1 AND id = ANY($2::bigint[])`, [
      tenantId,
      stale,
    ]);
  return tasks;
}

/**
 * Open tasks whose due time has come and that were not reported due yet, across tenants, marked
 * reported. Run it in the transaction that announces them, so a crash reports them later, not
 * never; concurrent callers take different tasks.
 */
export async function claimDueFollowUps(
  tx: Queryable,
  limit: number,
): Promise<Array<FollowUpTask & { tenantId: string }>> {
  const { rows } = await tx.query<Row & { tenant_id: string }>(
    `UPDATE follow_up_tasks SET due_notified_at = now()
      WHERE id IN (SELECT id FROM follow_up_tasks
                    WHERE due_notified_at IS NULL AND status = 'open' AND due_at <= now()
                    ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [limit],
  );
  return rows.map((row) => ({ ...toTask(row), tenantId: row.tenant_id }));
}

export async function listFollowUps(
  db: Queryable,
  filter: {
    tenantId: string;
    owner?: string | undefined;
    status?: FollowUpTask['status'] | undefined;
    conversationId?: string | undefined;
    dueBefore?: Date | undefined;
    limit: number;
  },
): Promise<FollowUpTask[]> {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [filter.tenantId];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.owner) add('owner = ?', filter.owner);
  if (filter.status) add('status = ?', filter.status);
  if (filter.conversationId) add('conversation_id = ?', filter.conversationId);
  if (filter.dueBefore) add('due_at < ?', filter.dueBefore);
  params.push(filter.limit);
  const { rows } = await db.query<Row>(
    `SELECT * FROM follow_up_tasks WHERE ${where.join(' AND ')} ORDER BY due_at NULLS LAST, id LIMIT $${params.length}`,
    params as string[],
  );
  return rows.map(toTask);
}

export async function setFollowUpStatus(
  db: Queryable,
  tenantId: string,
  id: number,
  status: FollowUpTask['status'],
  owner?: string,
): Promise<FollowUpTask | null> {
  const { rows } = await db.query<Row>(
    `UPDATE follow_up_tasks SET status = $3 WHERE tenant_id = $1 AND id = $2 AND ($4::text IS NULL OR owner = $4) RETURNING *`,
    [tenantId, id, status, owner ?? null],
  );
  return rows[0] ? toTask(rows[0]) : null;
}

/** The agent's decision on a proposed task: accept it, change its text or due time, or dismiss it. */
export type FollowUpReview =
  | { decision: 'accepted' }
  | { decision: 'dismissed' }
  | { decision: 'changed'; draftMessage?: string | undefined; dueAt?: Date | null | undefined };

/**
 * Records the agent's decision. Dismissing cancels the task; accepting or changing keeps it open
 * (a changed due time is announced again when it comes). `owner` limits it to that agent's tasks.
 */
export async function reviewFollowUp(
  db: Queryable,
  tenantId: string,
  id: number,
  review: FollowUpReview,
  decidedBy: string,
  owner?: string,
): Promise<FollowUpTask | null> {
  const changed = review.decision === 'changed' ? review : undefined;
  const { rows } = await db.query<Row>(
    `UPDATE follow_up_tasks
        SET decision = $3, decided_by = $4, decided_at = now(),
            status = CASE WHEN $3 = 'dismissed' THEN 'cancelled' ELSE status END,
            draft_message = coalesce($6::text, draft_message),
            due_notified_at = CASE WHEN $7::boolean AND due_at IS DISTINCT FROM $8::timestamptz
                                   THEN NULL ELSE due_notified_at END,
            due_at = CASE WHEN $7::boolean THEN $8::timestamptz ELSE due_at END
      WHERE tenant_id = $1 AND id = $2 AND ($5::text IS NULL OR owner = $5) RETURNING *`,
    [
      tenantId,
      id,
      review.decision,
      decidedBy,
      owner ?? null,
      changed?.draftMessage ?? null,
      changed?.dueAt !== undefined,
      changed?.dueAt ? changed.dueAt.toISOString() : null,
    ],
  );
  return rows[0] ? toTask(rows[0]) : null;
}
