import type { Queryable } from '../stores/database.js';
import type { FinalizerName, FinalizerResults, WrapupResults } from '../pipeline/contract.js';
import { isUnsupportedLanguage } from '../pipeline/contract.js';
import { summaryEditOf } from './summary/summary-edits.js';

/** Finished conversations with their wrap-up results, for QA reviewers. */
export interface ReviewFilter {
  tenantId: string;
  agentId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  disposition?: string | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
  minChurnRisk?: number | undefined;
  limit: number;
  offset: number;
}

export interface ReviewRow {
  id: string;
  externalId: string;
  channel: string;
  agentId: string | null;
  customerId: string | null;
  startedAt: string;
  endedAt: string | null;
  disposition: string | null;
  suggestedDisposition: string | null;
  qaScore: number | null;
  churnRisk: number | null;
  /** The agent's saved summary when there is one, else the generated narrative. */
  summary: string | null;
  summaryEdited: boolean;
  reviewed: boolean;
}

/** A conversation whose wrap-up is written: its id and its tenant. */
export interface WrapupScope {
  tenantId: string;
  conversationId: string;
}

/**
 * The wrap-up of each conversation (table `wrapup_results`): one row per step, latest wins. The
 * runner writes whatever a finalizer returned under its name; reads are typed by the contract.
 */
export interface WrapupStore {
  save(scope: WrapupScope, step: string, result: object): Promise<void>;
  /** Replaces a step's stored result; does nothing when the step has none (yet). */
  update<N extends FinalizerName>(
    scope: WrapupScope,
    step: N,
    result: FinalizerResults[N],
  ): Promise<void>;
  /**
   * The step's result; undefined when it has none, or said `unsupported_language`. The summary
   * carries the agent's saved text as `agentEdit` (here and in `resultsOf`).
   */
  resultOf<N extends FinalizerName>(
    scope: WrapupScope,
    step: N,
  ): Promise<FinalizerResults[N] | undefined>;
  /**
   * Every stored step of the conversation (a step that failed or said nothing is absent; one
   * that did not run for the conversation's language holds its `unsupported_language`).
   */
  resultsOf(scope: WrapupScope): Promise<WrapupResults>;
  /** Ended conversations, newest first, with the wrap-up figures reviewers filter on. */
  listReviewable(filter: ReviewFilter): Promise<{ conversations: ReviewRow[]; total: number }>;
}

/** The stored summary with the agent's saved text beside it, when there is one. */
async function withAgentEdit(
  db: Queryable,
  scope: WrapupScope,
  summary: FinalizerResults['summary'],
): Promise<FinalizerResults['summary']> {
  const edit = await summaryEditOf(db, scope);
  return edit ? { ...summary, agentEdit: edit } : summary;
}

export function createWrapupStore(db: Queryable): WrapupStore {
  return {
    async save({ tenantId, conversationId }, step, result) {
      await db.query(
        `INSERT INTO wrapup_results (conversation_id, tenant_id, kind, result) VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_id, kind) DO UPDATE SET result = EXCLUDED.result, created_at = now()`,
        [conversationId, tenantId, step, JSON.stringify(result)],
      );
    },

    async update({ tenantId, conversationId }, step, result) {
      await db.query(
        `UPDATE wrapup_results SET result = $4 WHERE tenant_id = $1 AND conversation_id = $2 AND kind = $3`,
        [tenantId, conversationId, step, JSON.stringify(result)],
      );
    },

    async resultOf<N extends FinalizerName>({ tenantId, conversationId }: WrapupScope, step: N) {
      const { rows } = await db.query<{ result: FinalizerResults[N] }>(
        'SELECT result FROM wrapup_results WHERE tenant_id = $1 AND conversation_id = $2 AND kind = $3',
        [tenantId, conversationId, step],
      );
      // A step that did not run for the conversation's language has no result to read.
      const result = rows[0]?.result;
      if (isUnsupportedLanguage(result) || result === undefined) return undefined;
      return (
        step === 'summary'
          ? await withAgentEdit(
              db,
              { tenantId, conversationId },
              result as FinalizerResults['summary'],
            )
          : result
      ) as FinalizerResults[N];
    },

    async resultsOf({ tenantId, conversationId }) {
      const { rows } = await db.query<{ kind: FinalizerName; result: object }>(
        'SELECT kind, result FROM wrapup_results WHERE tenant_id = $1 AND conversation_id = $2',
        [tenantId, conversationId],
      );
      const results = Object.fromEntries(
        rows.map((row) => [row.kind, row.result]),
      ) as WrapupResults;
      if (results.summary && !isUnsupportedLanguage(results.summary))
        results.summary = await withAgentEdit(db, { tenantId, conversationId }, results.summary);
      return results;
    },

    listReviewable: (filter) => listReviewable(db, filter),
  };
}

async function listReviewable(
  db: Queryable,
  filter: ReviewFilter,
): Promise<{ conversations: ReviewRow[]; total: number }> {
  const where = [`c.tenant_id = $1`, `c.status = 'ended'`];
  const params: unknown[] = [filter.tenantId];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (filter.agentId) add('c.agent_id = ?', filter.agentId);
  if (filter.from) add('c.ended_at >= ?', filter.from);
  if (filter.to) add('c.ended_at < ?', filter.to);
  if (filter.disposition)
    add(`coalesce(c.metadata->>'disposition', d.result->>'suggested') = ?`, filter.disposition);
  if (filter.minScore !== undefined) add(`(q.result->>'overall')::float8 >= ?`, filter.minScore);
  if (filter.maxScore !== undefined) add(`(q.result->>'overall')::float8 <= ?`, filter.maxScore);
  if (filter.minChurnRisk !== undefined)
    add(`(ch.result->>'risk')::float8 >= ?`, filter.minChurnRisk);
  const from = `FROM conversations c
    LEFT JOIN wrapup_results s ON s.conversation_id = c.id AND s.kind = 'summary'
    LEFT JOIN wrapup_results d ON d.conversation_id = c.id AND d.kind = 'disposition'
    LEFT JOIN wrapup_results q ON q.conversation_id = c.id AND q.kind = 'qa'
    LEFT JOIN wrapup_results ch ON ch.conversation_id = c.id AND ch.kind = 'churn'
    LEFT JOIN summary_edits se ON se.conversation_id = c.id
    WHERE ${where.join(' AND ')}`;
  const { rows: counted } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n ${from}`,
    params as string[],
  );
  params.push(filter.limit, filter.offset);
  const { rows } = await db.query<{
    id: string;
    external_id: string;
    channel: string;
    agent_id: string | null;
    customer_id: string | null;
    started_at: Date;
    ended_at: Date | null;
    disposition: string | null;
    suggested: string | null;
    qa_score: number | null;
    churn_risk: number | null;
    summary: string | null;
    summary_edited: boolean;
    reviewed: boolean;
  }>(
    `SELECT c.id, c.external_id, c.channel, c.agent_id, c.customer_id, c.started_at, c.ended_at,
            c.metadata->>'disposition' AS disposition, d.result->>'suggested' AS suggested,
            (q.result->>'overall')::float8 AS qa_score, (ch.result->>'risk')::float8 AS churn_risk,
            coalesce(se.text, s.result->>'narrative') AS summary, se.text IS NOT NULL AS summary_edited,
            EXISTS (SELECT 1 FROM qa_overrides o WHERE o.conversation_id = c.id) AS reviewed
       ${from}
      ORDER BY c.ended_at DESC NULLS LAST, c.id DESC
      LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params as string[],
  );
  return {
    total: counted[0]?.n ?? 0,
    conversations: rows.map((row) => ({
      id: row.id,
      externalId: row.external_id,
      channel: row.channel,
      agentId: row.agent_id,
      customerId: row.customer_id,
      startedAt: new Date(row.started_at).toISOString(),
      endedAt: row.ended_at ? new Date(row.ended_at).toISOString() : null,
      disposition: row.disposition,
      suggestedDisposition: row.suggested,
      qaScore: row.qa_score,
      churnRisk: row.churn_risk,
      summary: row.summary,
      summaryEdited: row.summary_edited,
      reviewed: row.reviewed,
    })),
  };
}
