import { apiFetch } from '../api.js';
import type { ConversationItem, ConversationRecord, WrapupResults } from '../live/types.js';
import { splitWrapup, type UnavailableSteps, type WrapupView } from '../live/wrapup-view.js';
import type {
  CriterionReview,
  ReviewListRow,
  ReviewRow,
} from '../../../src/wrap-up/qa/qa-review.js';
import type { QaAgreement } from '../../../src/wrap-up/qa/qa-store.js';

export type { CriterionReview, QaAgreement, ReviewListRow, ReviewRow };

/** 1 met, 0 missed, null not applicable: the same scale for automatic and human scores. */
export type CriterionScore = 0 | 1 | null;

export interface ReviewFilters {
  agentId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  disposition?: string | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
  minChurnRisk?: number | undefined;
  limit: number;
  offset: number;
}

export interface ReviewPage {
  total: number;
  conversations: ReviewListRow[];
}

/** Wrap-up results as stored, typed by the pipeline contract (a step that did not run is absent). */
export type ReviewWrapup = WrapupView;

export interface SentimentPoint {
  seq: number;
  score: number;
  label: string;
  speaker: string;
}

export interface ConversationReview {
  conversation: ConversationRecord;
  transcript: ConversationItem[];
  wrapup: ReviewWrapup;
  /** Steps that did not run for the conversation's language: step → language. */
  wrapupUnavailable: UnavailableSteps;
  scorecard: CriterionReview[];
  /** The score with reviewers' overrides in place of automatic scores. */
  reviewedOverall: number | null;
  sentimentTimeline: SentimentPoint[];
}

export function listReviewable(key: string, filters: ReviewFilters): Promise<ReviewPage> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters))
    if (value !== undefined && value !== '') params.set(name, String(value));
  return apiFetch<ReviewPage>(key, `/api/qa/conversations?${params.toString()}`);
}

export async function getReview(key: string, id: string): Promise<ConversationReview> {
  const review = await apiFetch<
    Omit<ConversationReview, 'wrapup' | 'wrapupUnavailable'> & { wrapup: WrapupResults }
  >(key, `/api/qa/conversations/${encodeURIComponent(id)}`);
  const { results, unavailable } = splitWrapup(review.wrapup);
  return { ...review, wrapup: results, wrapupUnavailable: unavailable };
}

export function getAgreement(key: string): Promise<QaAgreement> {
  return apiFetch<QaAgreement>(key, '/api/qa/agreement');
}

export async function overrideCriterion(
  key: string,
  id: string,
  override: { criterionId: string; score: CriterionScore; comment: string },
): Promise<Pick<ConversationReview, 'scorecard' | 'reviewedOverall'>> {
  return apiFetch<Pick<ConversationReview, 'scorecard' | 'reviewedOverall'>>(
    key,
    `/api/qa/conversations/${encodeURIComponent(id)}/overrides`,
    { method: 'POST', body: JSON.stringify(override) },
  );
}
