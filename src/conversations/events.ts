import type { ConversationItem, ConversationRecord, Speaker } from './types.js';
import type { AnalysisEventBody, FinalizerName, WrapupEventBody } from '../pipeline/contract.js';

/**
 * The one event union subscribers receive (protocol version 1). Every event carries the
 * envelope; `id` identifies a stored event and `position` is its resume cursor (both null for
 * previews that are never stored, i.e. interims and streamed reply deltas).
 */
export const EVENT_VERSION = 1;

export interface EventEnvelope {
  v: typeof EVENT_VERSION;
  id: number | null;
  /**
   * The resume cursor: where the event stands in the delivery order (commit order), as a string
   * that sorts in that order. Null exactly when `id` is. Ids need not increase along a stream.
   */
  position: string | null;
  tenantId: string;
  conversationId: string;
  agentId: string | null;
  at: string;
}

export interface Citation {
  articleId: string;
  title: string;
  passage?: string;
}

/** One sentence of an answer and the articles (among those it was given) that back it. */
export interface AnswerClaim {
  text: string;
  articleIds: string[];
}

export type Suggestion =
  | {
      kind: 'article';
      suggestionId: string;
      articleId: string;
      title: string;
      passage: string;
      /**
       * The passage as the article writes it (Markdown, HTML-escaped), the matched terms in
       * <mark></mark>: consoles render it as Markdown, never as HTML.
       */
      highlighted?: string;
      score: number;
      reason: string;
      /**
       * The suggestionId of the card this one takes the place of: a better article for the same
       * topic (one card per topic). Consoles show it where that card was, not as another card.
       */
      replacesSuggestionId?: string;
    }
  | {
      kind: 'next-step';
      suggestionId: string;
      playbookId: string;
      stepId: string;
      title: string;
      reason: string;
      done: string[];
      remaining: string[];
    }
  | {
      kind: 'reply';
      suggestionId: string;
      text: string;
      source: 'template' | 'llm';
      citations: Citation[];
      reason: string;
    }
  | {
      /**
       * An answer to the customer's question from the knowledge base: sentences quoted from the
       * top passage (`extract`, with the question's words in `highlighted`) or a model's answer
       * whose every claim cites an article it was given (`llm`). `refused`: no passage supports
       * an answer, and `text` says so.
       */
      kind: 'answer';
      suggestionId: string;
      text: string;
      highlighted?: string;
      claims: AnswerClaim[];
      source: 'extract' | 'llm';
      refused: boolean;
      citations: Citation[];
      reason: string;
    }
  | {
      kind: 'similar-case';
      suggestionId: string;
      conversationId: string;
      summary: string;
      disposition: string | null;
      score: number;
      reason: string;
    };

export type AlertKind = 'escalation' | 'churn' | 'compliance' | 'other';

export interface Alert {
  alertId: string;
  kind: AlertKind;
  severity: 'info' | 'warning' | 'critical';
  title: string;
  reason: string;
  /** Sequence numbers of the items that triggered it. */
  evidence: number[];
}

export interface SuggestionFeedback {
  /** Absent for an article the agent found by typed search: no suggestion showed it. */
  suggestionId?: string;
  kind: Suggestion['kind'];
  verdict: 'helpful' | 'not_helpful' | 'used' | 'dismissed';
  articleId?: string;
  /**
   * The article's title when the verdict was given (with `articleId`): the log names the article
   * even when no suggestion in it did (search results). Absent in events stored before.
   */
  articleTitle?: string;
}

/**
 * Who asked for help, took it or wrote a note: the key's name as it was then (what people see),
 * and its key id so a console can tell its own actions apart. Never an agent routing id.
 */
export interface HelpPerson {
  keyId: string;
  name: string;
}

/**
 * "Ask for help" (issue 21): an agent's request reaches every supervisor following the tenant,
 * one supervisor takes it, and supervisors' private notes reach the agent. Stored in the
 * conversation's log like any event (so every instance relays them and they are its record),
 * but they are no conversation text: analyzers read items, webhooks read other types, and no
 * summary or customer sees them.
 */
export type HelpEventBody =
  | { type: 'help-requested'; requestId: string; reason: string | null; by: HelpPerson }
  | { type: 'help-taken'; requestId: string; by: HelpPerson }
  | { type: 'help-resolved'; requestId: string; by: HelpPerson }
  | {
      type: 'supervisor-note';
      noteId: string;
      /** The help request it answers, if one was taken when it was written. */
      requestId: string | null;
      text: string;
      by: HelpPerson;
    };

/**
 * The agent ticked (done) or skipped a playbook step in the console. Its `playbook-step` event is
 * its only record (the latest per step counts): the playbook analyzer counts it on later turns.
 */
export interface PlaybookStepMark {
  playbookId: string;
  stepId: string;
  outcome: 'done' | 'skipped';
  /** Name of the key (the agent) that marked it. */
  by: string;
  at: string;
}

/** Event bodies, without the envelope. Analyzers emit these. */
export type EventBody =
  | { type: 'conversation-start'; conversation: ConversationRecord }
  | { type: 'conversation-end'; conversation: ConversationRecord }
  | {
      type: 'utterance-interim';
      seq: number;
      speaker: Speaker;
      text: string;
    }
  | { type: 'item-final'; item: ConversationItem }
  | AnalysisEventBody
  | { type: 'suggestion'; seq: number | null; suggestion: Suggestion }
  | {
      type: 'reply-start';
      replyId: string;
      seq: number | null;
      /** What the stream will end as; absent in events stored before answers: a reply. */
      suggestionKind?: 'reply' | 'answer';
    }
  | { type: 'reply-delta'; replyId: string; delta: string }
  | { type: 'reply-end'; replyId: string; suggestion: Suggestion }
  | { type: 'alert'; seq: number | null; alert: Alert }
  | WrapupEventBody
  /**
   * Every wrap-up step has run (those with a result are listed): the conversation's wrap-up is
   * complete and stored. Webhooks announce `conversation.ended` on it.
   */
  | { type: 'wrapup-complete'; steps: FinalizerName[] }
  | HelpEventBody
  | {
      /** An agent's verdict on a suggestion, kept in the conversation's record for QA. */
      type: 'feedback';
      seq: number;
      feedback: SuggestionFeedback;
    }
  /** An agent's mark on a playbook step (QA and supervisors see what the agent said was done). */
  | { type: 'playbook-step'; seq: number; mark: PlaybookStepMark }
  | {
      type: 'error';
      code: string;
      message: string;
      retryable: boolean;
      analyzer?: string;
      seq?: number;
    };

export type EventType = EventBody['type'];
export type CuecardEvent = EventEnvelope & EventBody;

/**
 * Keys of the events both the ingest side and durable work write (decision 0008): whichever comes
 * first stores it, so an event survives the death of the process that acknowledged.
 */
export const itemFinalKey = (seq: number) => `i:${seq}`;
export const conversationEndKey = 'end';
export const conversationStartKey = 'start';
export const wrapupCompleteKey = 'wc';

/** Bodies that are previews: published live, never stored, no cursor. */
export const EPHEMERAL_EVENT_TYPES: ReadonlySet<EventType> = new Set([
  'utterance-interim',
  'reply-delta',
]);

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
