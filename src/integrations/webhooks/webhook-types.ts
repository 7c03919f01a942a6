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

export interface WebhookBody<T extends WebhookEventType = WebhookEventType> {
  /** Unique per delivery, the same on every retry of it: receivers deduplicate on it. */
  id: string;
  type: T;
  version: typeof WEBHOOK_BODY_VERSION;
  /** When the fact happened (not when this attempt was made). */
  createdAt: string;
  tenantId: string;
  data: Record<string, unknown>;
}

/** A fact to report: who it concerns, what happened, and a key that names it once. */
export interface WebhookFact {
  tenantId: string;
  type: WebhookEventType;
  /** The same fact produced twice (a retry) has the same key, and is delivered once. */
  sourceKey: string;
  createdAt: string;
  data: Record<string, unknown>;
}

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (webhookEventTypes as readonly string[]).includes(value);
}
