import type { EventLog } from '../../conversations/event-log.js';
import type { Queryable } from '../../stores/database.js';
import type { ReviewFilter, ReviewRow, WrapupStore } from '../wrapup-store.js';
import { criterionReviews, type CriterionReview } from './qa-store.js';

// The consoles import these from here.
export type { ReviewFilter, ReviewRow } from '../wrapup-store.js';

/** A finished conversation in the reviewers' list, with what the reviewers made of it. */
export interface ReviewListRow extends ReviewRow {
  /** The score with reviewers' overrides in place; null until someone reviewed it (or none applies). */
  reviewedScore: number | null;
  /** Who reviewed it (their names), first review first; empty until someone did. */
  reviewers: string[];
}
export type { CriterionReview } from './qa-store.js';

/** Where a review is read from: the QA tables, the wrap-up and the event log. */
export interface ReviewSources {
  db: Queryable;
  wrapups: Pick<WrapupStore, 'resultsOf'>;
  eventLog: Pick<EventLog, 'analyses'>;
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

/**
 * One conversation for review: its wrap-up by step, the scorecard with overrides, the reviewed
 * score and the customer's sentiment turn by turn.
 */
export async function reviewOf(sources: ReviewSources, tenantId: string, conversationId: string) {
  const scope = { tenantId, conversationId };
  const [wrapup, scorecard, sentiment] = await Promise.all([
    sources.wrapups.resultsOf(scope),
    criterionReviews(sources.db, tenantId, conversationId),
    sources.eventLog.analyses(scope, 'sentiment'),
  ]);
  return {
    wrapup,
    scorecard,
    reviewedOverall: reviewedScore(scorecard),
    // By turn; the log holds one sentiment analysis per turn, in turn order.
    sentimentTimeline: sentiment
      .map((analysis) => ({
        seq: analysis.seq,
        score: analysis.result.score ?? 0,
        label: analysis.result.label ?? 'neutral',
        speaker: analysis.result.speaker ?? 'customer',
      }))
      .sort((a, b) => a.seq - b.seq),
  };
}

/**
 * The reviewers' list: finished conversations with the reviewed score beside the automatic one.
 * Only reviewed rows are read again (a page holds at most a few hundred), so the score is the
 * same computation as the detail's `reviewedOverall`, never a second formula in SQL.
 */
export async function listForReview(
  sources: Pick<ReviewSources, 'db'> & { wrapups: Pick<WrapupStore, 'listReviewable'> },
  filter: ReviewFilter,
): Promise<{ conversations: ReviewListRow[]; total: number }> {
  const page = await sources.wrapups.listReviewable(filter);
  const conversations = await Promise.all(
    page.conversations.map(async (row): Promise<ReviewListRow> => {
      if (!row.reviewed) return { ...row, reviewedScore: null, reviewers: [] };
      const criteria = await criterionReviews(sources.db, filter.tenantId, row.id);
      const reviews = criteria
        .flatMap((criterion) => (criterion.override ? [criterion.override] : []))
        .sort((a, b) => a.at.localeCompare(b.at));
      return {
        ...row,
        reviewedScore: reviewedScore(criteria),
        reviewers: [...new Set(reviews.map((review) => review.reviewer))],
      };
    }),
  );
  return { total: page.total, conversations };
}
