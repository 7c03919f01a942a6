import type { Alert } from '../../conversations/events.js';
import type { Channel } from '../../conversations/types.js';
import type { RiskReason } from '../../wrap-up/churn/tabular-model.js';
import type { FollowUpTask } from '../../wrap-up/followups/follow-up-store.js';

/**
 * What Cuecard tells other systems (CRMs, ticketing, pagers) through webhooks: the event types an
 * endpoint subscribes to and the versioned body every delivery carries. Receivers depend on these
 * names and shapes: add fields, never rename or remove them within a version.
 */
export const webhookEventTypes = [
  'conversation.ended',
  'alert.raised',
  'follow_up.created',
  'follow_up.due',
  'disposition.confirmed',
  'qa.reviewed',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

export const WEBHOOK_BODY_VERSION = 1;

/** What a conversation is called in every body: enough to find it in the CRM and in Cuecard. */
export interface ConversationRef {
  conversationId: string;
  /** The connector's own id of the call or chat. */
  externalId: string | null;
  agentId: string | null;
  channel: Channel | null;
}

/** `conversation.ended`: what a CRM files with the call (README, "Webhooks"). */
export interface ConversationEndedData extends ConversationRef {
  customerId: string | null;
  language: string | null;
  startedAt: string | null;
  endedAt: string | null;
  summary: { text: string; source: 'offline' | 'llm' } | null;
  disposition: { suggested: string | null; confidence: number } | null;
  churn: { risk: number; reasons: RiskReason[] } | null;
  qa: { overall: number | null; scorecardId: string; scorecardVersion: number } | null;
  followUps: number;
  /** Wrap-up steps that did not run because they do not read the conversation's language. */
  unsupportedLanguage: string[];
}

/** The `data` of each event type: the contract receivers code against (additions only). */
export interface WebhookData {
  'conversation.ended': ConversationEndedData;
  'alert.raised': ConversationRef & { seq: number | null; alert: Alert };
  'follow_up.created': ConversationRef & { followUp: FollowUpTask };
  'follow_up.due': { conversationId: string; followUp: FollowUpTask };
  'disposition.confirmed': Omit<ConversationRef, 'channel'> & {
    code: string;
    /** What the classifier had suggested, when it had. */
    suggested: string | null;
    /** The name of the key that confirmed it. */
    confirmedBy: string;
  };
  'qa.reviewed': Omit<ConversationRef, 'channel'> & {
    criterionId: string;
    autoScore: number | null;
    /** null: the reviewer withdrew their score. */
    humanScore: number | null;
    comment: string | null;
    /** The reviewer's name. */
    reviewer: string;
  };
}

export interface WebhookBody<T extends WebhookEventType = WebhookEventType> {
  /** Unique per delivery, the same on every retry of it: receivers deduplicate on it. */
  id: string;
  type: T;
  version: typeof WEBHOOK_BODY_VERSION;
  /** When the fact happened (not when this attempt was made). */
  createdAt: string;
  tenantId: string;
  data: WebhookData[T];
}

/** A fact to report: who it concerns, what happened, and a key that names it once. */
export type WebhookFact = {
  [T in WebhookEventType]: {
    tenantId: string;
    type: T;
    /** The same fact produced twice (a retry) has the same key, and is delivered once. */
    sourceKey: string;
    createdAt: string;
    data: WebhookData[T];
  };
}[WebhookEventType];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (webhookEventTypes as readonly string[]).includes(value);
}
