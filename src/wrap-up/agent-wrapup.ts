import type { PlaybookStepMark } from '../conversations/events.js';
import type { FollowUpTask } from './followups/follow-up-store.js';
import type { SummaryEdit } from './summary/summary-edits.js';
import type { QaResult } from './qa/auto-qa.js';

export type { PlaybookStepMark } from '../conversations/events.js';
export type { FollowUpTask, FollowUpDecision } from './followups/follow-up-store.js';
export type { SummaryEdit } from './summary/summary-edits.js';

/** One of the tenant's wrap-up codes, as the agent picks it. */
export interface WrapupCodeChoice {
  code: string;
  description: string;
}

/**
 * The agent's side of a conversation's wrap-up (`GET /api/conversations/:id/wrap-up`): what they
 * saved, read back after a reload. The generated results come with the `wrapup` events.
 */
export interface AgentWrapup {
  conversationId: string;
  status: 'active' | 'ended';
  summaryEdit: SummaryEdit | null;
  disposition: { confirmed: string | null; codes: WrapupCodeChoice[] };
  followUps: FollowUpTask[];
  playbookSteps: PlaybookStepMark[];
  /**
   * The automatic QA as stored now: rescored when the agent confirms a code, so newer than the
   * `wrapup` event QA published at the end of the call. Null until QA has run.
   */
  qa: QaResult | null;
}

/** `POST /api/conversations/:id/disposition` answers this. */
export interface DispositionConfirmed {
  conversationId: string;
  code: string;
  suggested: string | null;
  agreed: boolean;
  /** QA rescored with the code (its disposition criteria); null when QA has not run yet. */
  qa: QaResult | null;
}
