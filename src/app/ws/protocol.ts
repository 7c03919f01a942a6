import { z } from 'zod';
import { freeformObject, maxInt32 } from '../validation/safe-input.js';

/**
 * Wire messages of the two WebSocket endpoints (protocol version 1). Client messages are
 * validated here; every problem is reported with the field it concerns.
 */
const id = z.string().min(1).max(200);
const attributes = freeformObject();
/** Stored in an `integer` column: a larger seq could never be stored, so it is refused here. */
const seq = z.number().int().positive().max(maxInt32);
/**
 * Offsets from the start of the call or epoch milliseconds (`Date.now()`); stored as bigint
 * (migration 0014). zod's `int()` already refuses anything past Number.MAX_SAFE_INTEGER.
 */
const milliseconds = z.number().int().nonnegative();

export const ingestMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('open'),
    conversationId: id,
    channel: z.enum(['voice', 'chat', 'email']),
    agentId: id.optional(),
    customerId: id.optional(),
    customerAttributes: attributes.optional(),
    language: z.string().min(2).max(16).optional(),
    metadata: attributes.optional(),
  }),
  z.object({
    type: z.literal('utterance'),
    conversationId: id,
    seq,
    speaker: z.enum(['customer', 'agent', 'bot']),
    text: z.string().max(20_000),
    final: z.boolean(),
    startMs: milliseconds.optional(),
    endMs: milliseconds.optional(),
    language: z.string().min(2).max(16).optional(),
  }),
  z.object({
    type: z.literal('action'),
    conversationId: id,
    seq,
    action: z.string().min(1).max(200),
    data: attributes.optional(),
  }),
  z.object({ type: z.literal('end'), conversationId: id }),
  z.object({ type: z.literal('ping') }),
]);
export type IngestMessage = z.infer<typeof ingestMessageSchema>;

export const subscribeMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('subscribe'),
    /** conversation: one conversation; agent: all of one agent's; tenant: all live ones (supervisors). */
    scope: z.enum(['conversation', 'agent', 'tenant']),
    conversationId: id.optional(),
    agentId: id.optional(),
    /**
     * The `position` of the last event received; events after it are replayed, in delivery
     * order. A number is an event id (clients that predate positions), 0 = from the start.
     * Omit: live only.
     */
    cursor: z
      .union([z.number().int().nonnegative(), z.string().regex(/^\d{20}\.\d{20}$/)])
      .optional(),
  }),
  z.object({ type: z.literal('unsubscribe'), subscriptionId: id }),
  z.object({ type: z.literal('ping') }),
]);
export type SubscribeMessage = z.infer<typeof subscribeMessageSchema>;

export const ingestMessageTypes = ingestMessageSchema.options.map(
  (option) => option.shape.type.value,
);
export const subscribeMessageTypes = subscribeMessageSchema.options.map(
  (option) => option.shape.type.value,
);
