import type { Queryable } from '../../stores/database.js';

/** An agent's confirmed or corrected wrap-up code (table `disposition_confirmations`). */
export interface DispositionConfirmation {
  tenantId: string;
  conversationId: string;
  /** What the disposition step suggested, if it ran. */
  suggestedCode: string | null;
  confidence: number | null;
  chosenCode: string;
  agentId: string | null;
}

/** One confirmation per conversation: confirming again replaces the chosen code. */
export async function saveDispositionConfirmation(
  db: Queryable,
  confirmation: DispositionConfirmation,
): Promise<void> {
  await db.query(
    `INSERT INTO disposition_confirmations (conversation_id, tenant_id, suggested_code, confidence, chosen_code, agent_id)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (conversation_id) DO UPDATE SET chosen_code = EXCLUDED.chosen_code, created_at = now()`,
    [
      confirmation.conversationId,
      confirmation.tenantId,
      confirmation.suggestedCode,
      confirmation.confidence,
      confirmation.chosenCode,
      confirmation.agentId,
    ],
  );
}

/** The tenant's confirmed codes, each with its conversation's utterances: training examples. */
export async function confirmedDispositions(
  db: Queryable,
  tenantId: string,
): Promise<{ code: string; text: string }[]> {
  const { rows } = await db.query<{ chosen_code: string; text: string }>(
    `SELECT d.chosen_code, string_agg(i.text, E'\\n' ORDER BY i.seq) AS text
       FROM disposition_confirmations d
       JOIN conversation_items i ON i.conversation_id = d.conversation_id AND i.kind = 'utterance'
      WHERE d.tenant_id = $1
      GROUP BY d.conversation_id, d.chosen_code`,
    [tenantId],
  );
  return rows.map((row) => ({ code: row.chosen_code, text: row.text }));
}

/** The code the agent confirmed for the conversation, read now (not from an earlier snapshot). */
export async function chosenDispositionOf(
  db: Queryable,
  tenantId: string,
  conversationId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ chosen_code: string }>(
    'SELECT chosen_code FROM disposition_confirmations WHERE tenant_id = $1 AND conversation_id = $2',
    [tenantId, conversationId],
  );
  return rows[0]?.chosen_code ?? null;
}
