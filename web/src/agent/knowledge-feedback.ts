import type { FeedbackRequest } from '../../../src/knowledge/feedback.js';
import { apiFetch } from '../api.js';

/** The service's own request shape: a change there fails `tsc -p web`. */
export type { FeedbackRequest };

/** What a verdict is about, before the conversation it was given in is known. */
export type FeedbackSubject = Omit<FeedbackRequest, 'conversationId' | 'verdict'>;

export async function postFeedback(key: string, request: FeedbackRequest): Promise<void> {
  await apiFetch<unknown>(key, '/api/feedback', { method: 'POST', body: JSON.stringify(request) });
}

/** One key per thing used, so copying the same passage twice counts one use. */
export function subjectKey(subject: FeedbackSubject): string {
  return [subject.kind, subject.suggestionId ?? '', subject.articleId ?? ''].join('\u0000');
}
