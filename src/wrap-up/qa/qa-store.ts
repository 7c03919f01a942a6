import type { Queryable } from '../../stores/database.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { rescoreDisposition, type QaContext, type QaResult } from './auto-qa.js';
import type { Scorecard } from './scorecard.js';
import { createWrapupStore } from '../wrapup-store.js';

/** Stores a scorecard version; storing the same version again is a no-op. */
export async function saveScorecard(
  db: Queryable,
  tenantId: string,
  scorecard: Scorecard,
): Promise<void> {
  await db.query(
    `INSERT INTO scorecards (tenant_id, id, version, definition) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, id, version) DO NOTHING`,
    [tenantId, scorecard.id, scorecard.version, JSON.stringify(scorecard)],
  );
}

export async function saveQaResult(
  db: Queryable,
  tenantId: string,
  conversationId: string,
  result: QaResult,
): Promise<void> {
  for (const criterion of result.criteria) {
    await db.query(
      `INSERT INTO qa_scores (conversation_id, tenant_id, scorecard_id, scorecard_version, criterion_id, auto_score, evidence_seqs, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (conversation_id, scorecard_id, scorecard_version, criterion_id)
       DO UPDATE SET auto_score = EXCLUDED.auto_score, evidence_seqs = EXCLUDED.evidence_seqs, note = EXCLUDED.note`,
      [
        conversationId,
        tenantId,
        result.scorecardId,
        result.scorecardVersion,
        criterion.criterionId,
        criterion.score,
        criterion.evidence,
        criterion.note,
      ],
    );
  }
}

/**
 * Scores the disposition criteria again once the agent confirms or corrects the wrap-up code, in
 * the stored result (list filters and the overall score) and in the per-criterion scores. Returns
 * null when the conversation has no QA result yet: the QA finalizer then reads the confirmed code
 * from the conversation itself.
 */
export async function applyConfirmedDisposition(
  db: Queryable,
  tenantId: string,
  conversationId: string,
  disposition: NonNullable<QaContext['disposition']>,
): Promise<QaResult | null> {
  // On `db`, so that it joins the caller's transaction.
  const wrapups = createWrapupStore(db);
  const previous = await wrapups.resultOf({ tenantId, conversationId }, 'qa');
  if (!previous) return null;
  const { rows: cards } = await db.query<{ definition: Scorecard }>(
    'SELECT definition FROM scorecards WHERE tenant_id = $1 AND id = $2 AND version = $3',
    [tenantId, previous.scorecardId, previous.scorecardVersion],
  );
  const scorecard = cards[0]?.definition;
  if (!scorecard) return null;
  const result = rescoreDisposition(scorecard, previous, disposition);
  await wrapups.update({ tenantId, conversationId }, 'qa', result);
  // Only the disposition criteria changed; the other criterion rows stay as they are.
  const changed = new Set(
    scorecard.criteria
      .filter((criterion) => criterion.check === 'correct_disposition')
      .map((criterion) => criterion.id),
  );
  await saveQaResult(db, tenantId, conversationId, {
    ...result,
    criteria: result.criteria.filter((criterion) => changed.has(criterion.criterionId)),
  });
  return result;
}

export interface QaOverride {
  conversationId: string;
  scorecardId: string;
  scorecardVersion: number;
  criterionId: string;
  humanScore: 0 | 1 | null;
  comment: string;
  reviewer: string;
}

/** A reviewer's verdict on one criterion; the automatic score is kept beside it. */
export async function recordQaOverride(
  db: Queryable,
  tenantId: string,
  override: QaOverride,
): Promise<void> {
  const existing = await db.query(
    `SELECT 1 FROM qa_scores WHERE tenant_id = $1 AND conversation_id = $2 AND scorecard_id = $3 AND scorecard_version = $4 AND criterion_id = $5`,
    [
      tenantId,
      override.conversationId,
      override.scorecardId,
      override.scorecardVersion,
      override.criterionId,
    ],
  );
  if (existing.rows.length === 0)
    throw new CuecardError(
      'not_found',
      `no QA score for criterion "${override.criterionId}" of this conversation`,
      { field: 'criterionId' },
    );
  if (override.reviewer.trim() === '')
    throw new CuecardError('validation_failed', 'a reviewer is required', { field: 'reviewer' });
  await db.query(
    `INSERT INTO qa_overrides (conversation_id, scorecard_id, scorecard_version, criterion_id, tenant_id, human_score, comment, reviewer)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      override.conversationId,
      override.scorecardId,
      override.scorecardVersion,
      override.criterionId,
      tenantId,
      override.humanScore,
      override.comment,
      override.reviewer,
    ],
  );
}

export interface QaAgreement {
  /** Criteria with a human review. */
  reviewed: number;
  agreed: number;
  /** agreed / reviewed; null when nothing was reviewed. */
  rate: number | null;
  byCriterion: Record<string, { reviewed: number; agreed: number }>;
}

/** How often automatic scores match human reviews (the latest review per criterion counts). */
export async function qaAgreement(
  db: Queryable,
  tenantId: string,
  scorecardId?: string,
): Promise<QaAgreement> {
  const { rows } = await db.query<{
    criterion_id: string;
    auto_score: number | null;
    human_score: number | null;
  }>(
    `SELECT DISTINCT ON (o.conversation_id, o.scorecard_id, o.scorecard_version, o.criterion_id)
            o.criterion_id, s.auto_score, o.human_score
       FROM qa_overrides o
       JOIN qa_scores s USING (conversation_id, scorecard_id, scorecard_version, criterion_id)
      WHERE o.tenant_id = $1 AND ($2::text IS NULL OR o.scorecard_id = $2)
      ORDER BY o.conversation_id, o.scorecard_id, o.scorecard_version, o.criterion_id, o.created_at DESC, o.id DESC`,
    [tenantId, scorecardId ?? null],
  );
  const byCriterion: QaAgreement['byCriterion'] = {};
  let agreed = 0;
  for (const row of rows) {
    const entry = (byCriterion[row.criterion_id] ??= { reviewed: 0, agreed: 0 });
    entry.reviewed++;
    if (row.auto_score === row.human_score) {
      entry.agreed++;
      agreed++;
    }
  }
  return {
    reviewed: rows.length,
    agreed,
    rate: rows.length === 0 ? null : agreed / rows.length,
    byCriterion,
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

/** Each scored criterion of the conversation with its weight and its latest human review. */
export async function criterionReviews(
  db: Queryable,
  tenantId: string,
  conversationId: string,
): Promise<CriterionReview[]> {
  const { rows } = await db.query<{
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
  return rows.map((row) => ({
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
}
