import type { Queryable } from '../../stores/database.js';

/** The summary as the agent saved it at wrap-up; the generated one is kept beside it. */
export interface SummaryEdit {
  text: string;
  /** Name of the key (the agent) that saved it, never its id. */
  editedBy: string;
  editedAt: string;
}

/** The longest summary an agent can save: several paragraphs, not a transcript. */
export const MAX_SUMMARY_EDIT_CHARS = 10_000;

interface Row {
  text: string;
  edited_by: string;
  edited_at: Date;
}

const toEdit = (row: Row): SummaryEdit => ({
  text: row.text,
  editedBy: row.edited_by,
  editedAt: new Date(row.edited_at).toISOString(),
});

/** Saves the agent's summary; saving again replaces the text and who/when. */
export async function saveSummaryEdit(
  db: Queryable,
  scope: { tenantId: string; conversationId: string },
  text: string,
  editedBy: string,
): Promise<SummaryEdit> {
  const { rows } = await db.query<Row>(
    `INSERT INTO summary_edits (conversation_id, tenant_id, text, edited_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (conversation_id) DO UPDATE
       SET text = EXCLUDED.text, edited_by = EXCLUDED.edited_by, edited_at = now()
     RETURNING text, edited_by, edited_at`,
    [scope.conversationId, scope.tenantId, text, editedBy],
  );
  return toEdit(rows[0]!);
}

export async function summaryEditOf(
  db: Queryable,
  scope: { tenantId: string; conversationId: string },
): Promise<SummaryEdit | null> {
  const { rows } = await db.query<Row>(
    'SELECT text, edited_by, edited_at FROM summary_edits WHERE tenant_id = $1 AND conversation_id = $2',
    [scope.tenantId, scope.conversationId],
  );
  return rows[0] ? toEdit(rows[0]) : null;
}
