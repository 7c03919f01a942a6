import type { Queryable } from '../../stores/database.js';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { vectorLiteral } from '../search-text.js';

/** Searches yield to live event writes on the embedded engine (docs/decisions/0004). */
const BACKGROUND = { priority: 'background' } as const;

export interface CaseRecord {
  conversationId: string;
  summary: string;
  disposition: string | null;
  outcome: string | null;
  endedAt: string | null;
}

/** Stores a finished conversation as a case, embedded from what the customer said and its summary. */
export async function indexCase(
  db: Queryable,
  embedder: EmbeddingModel,
  input: { tenantId: string; caseText: string } & CaseRecord,
): Promise<void> {
  const [vector] = await embedder.embed([input.caseText]);
  if (!vector) return;
  await db.query(
    `INSERT INTO case_vectors (conversation_id, tenant_id, embedding, embedding_model, summary, disposition, outcome, ended_at)
     VALUES ($1, $2, $3::vector, $4, $5, $6, $7, $8)
     ON CONFLICT (conversation_id) DO UPDATE SET embedding = EXCLUDED.embedding, embedding_model = EXCLUDED.embedding_model,
       summary = EXCLUDED.summary, disposition = EXCLUDED.disposition, outcome = EXCLUDED.outcome, ended_at = EXCLUDED.ended_at`,
    [
      input.conversationId,
      input.tenantId,
      vectorLiteral(vector),
      embedder.id,
      input.summary,
      input.disposition,
      input.outcome,
      input.endedAt,
    ],
    BACKGROUND,
  );
}

/** Resolved cases of the tenant most similar to `text` (cosine), best first. */
export async function findSimilarCases(
  db: Queryable,
  embedder: EmbeddingModel,
  input: {
    tenantId: string;
    text: string;
    excludeConversationId: string;
    limit: number;
    minSimilarity: number;
  },
): Promise<Array<CaseRecord & { similarity: number }>> {
  const [vector] = await embedder.embed([input.text]);
  if (!vector) return [];
  const { rows } = await db.query<{
    conversation_id: string;
    summary: string;
    disposition: string | null;
    outcome: string | null;
    ended_at: Date | null;
    similarity: number;
  }>(
    `SELECT conversation_id, summary, disposition, outcome, ended_at, 1 - (embedding <=> $2::vector) AS similarity
       FROM case_vectors
      WHERE tenant_id = $1 AND embedding_model = $3 AND conversation_id <> $4
        AND coalesce(outcome, 'resolved') IN ('resolved', 'follow-up')
      ORDER BY embedding <=> $2::vector LIMIT $5`,
    [input.tenantId, vectorLiteral(vector), embedder.id, input.excludeConversationId, input.limit],
    BACKGROUND,
  );
  return rows
    .filter((row) => row.similarity >= input.minSimilarity)
    .map((row) => ({
      conversationId: row.conversation_id,
      summary: row.summary,
      disposition: row.disposition,
      outcome: row.outcome,
      endedAt: row.ended_at ? new Date(row.ended_at).toISOString() : null,
      similarity: row.similarity,
    }));
}
