import type { WrapupResults } from '../../pipeline/contract.js';
import type { Queryable } from '../../stores/database.js';

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
  summary: string | null;
  reviewed: boolean;
}

export async function listReviewable(
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
    reviewed: boolean;
  }>(
    `SELECT c.id, c.external_id, c.channel, c.agent_id, c.customer_id, c.started_at, c.ended_at,
            c.metadata->>'disposition' AS disposition, d.result->>'suggested' AS suggested,
            (q.result->>'overall')::float8 AS qa_score, (ch.result->>'risk')::float8 AS churn_risk,
            s.result->>'narrative' AS summary,
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
      reviewed: row.reviewed,
    })),
  };
}

export interface CriterionReview {
  criterionId: string;
  scorecardId: string;
  scorecardVersion: number;
  autoScore: number | null;
  evidence: number[];
  note: string;
  /** The latest human review, if any; the automatic score is never overwritten. */
  override: { score: number | null; comment: string; reviewer: string; at: string } | null;
  /** The criterion's weight in its scorecard version. */
  weight: number;
}

/**
 * The conversation's score once reviewed: the same weighted share as the automatic `overall`,
 * with each reviewer's score in place of the automatic one (a reviewer may also mark a
 * criterion not applicable). Null when no criterion applies.
 */
export function reviewedScore(criteria: readonly CriterionReview[]): number | null {
  let weighted = 0;
  let total = 0;
  for (const criterion of criteria) {
    const value = criterion.override ? criterion.override.score : criterion.autoScore;
    if (value === null) continue;
    weighted += criterion.weight * value;
    total += criterion.weight;
  }
  return total === 0 ? null : weighted / total;
}

export async function reviewOf(db: Queryable, tenantId: string, conversationId: string) {
  const { rows: results } = await db.query<{ kind: string; result: Record<string, unknown> }>(
    'SELECT kind, result FROM wrapup_results WHERE tenant_id = $1 AND conversation_id = $2',
    [tenantId, conversationId],
  );
  const { rows: scores } = await db.query<{
    criterion_id: string;
    scorecard_id: string;
    scorecard_version: number;
    auto_score: number | null;
    evidence_seqs: number[];
    note: string;
    human_score: number | null;
    comment: string | null;
    reviewer: string | null;
    reviewed_at: Date | null;
    weight: number | null;
  }>(
    `SELECT s.criterion_id, s.scorecard_id, s.scorecard_version, s.auto_score, s.evidence_seqs, s.note,
            o.human_score, o.comment, o.reviewer, o.created_at AS reviewed_at,
            (SELECT (c->>'weight')::float8 FROM scorecards sc, jsonb_array_elements(sc.definition->'criteria') c
              WHERE sc.tenant_id = s.tenant_id AND sc.id = s.scorecard_id AND sc.version = s.scorecard_version
                AND c->>'id' = s.criterion_id LIMIT 1) AS weight
       FROM qa_scores s
       LEFT JOIN LATERAL (
         SELECT human_score, comment, reviewer, created_at FROM qa_overrides o
          WHERE o.conversation_id = s.conversation_id AND o.scorecard_id = s.scorecard_id
            AND o.scorecard_version = s.scorecard_version AND o.criterion_id = s.criterion_id
          ORDER BY o.created_at DESC, o.id DESC LIMIT 1) o ON true
      WHERE s.tenant_id = $1 AND s.conversation_id = $2
      ORDER BY s.criterion_id`,
    [tenantId, conversationId],
  );
  const { rows: sentiment } = await db.query<{
    seq: number;
    payload: { result: { score?: number; label?: string; speaker?: string } };
  }>(
    `SELECT seq, payload FROM events
      WHERE tenant_id = $1 AND conversation_id = $2 AND type = 'analysis' AND payload->>'analyzer' = 'sentiment'
      ORDER BY seq`,
    [tenantId, conversationId],
  );
  const scorecard = scores.map((row): CriterionReview => ({
    criterionId: row.criterion_id,
    scorecardId: row.scorecard_id,
    scorecardVersion: row.scorecard_version,
    autoScore: row.auto_score,
    evidence: row.evidence_seqs,
    note: row.note,
    override:
      row.reviewer === null
        ? null
        : {
            score: row.human_score,
            comment: row.comment ?? '',
            reviewer: row.reviewer,
            at: new Date(row.reviewed_at!).toISOString(),
          },
    weight: row.weight ?? 1,
  }));
  return {
    // Stored by the runner from each finalizer's typed result, under the finalizer's name.
    wrapup: Object.fromEntries(results.map((row) => [row.kind, row.result])) as WrapupResults,
    scorecard,
    reviewedOverall: reviewedScore(scorecard),
    sentimentTimeline: sentiment.map((row) => ({
      seq: row.seq,
      score: row.payload.result.score ?? 0,
      label: row.payload.result.label ?? 'neutral',
      speaker: row.payload.result.speaker ?? 'customer',
    })),
  };
}
