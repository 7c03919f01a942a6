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
}

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
  const stale = existing.filter((row) => row.status === 'open').map((row) => row.id);
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
