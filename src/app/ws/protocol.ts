import { z } from 'zod';

/**
 * Wire messages of the two WebSocket endpoints (protocol version 1). Client messages are
 * validated here; every problem is reported with the field it concerns.
 */
const id = z.string().min(1).max(200);
const attributes = z.record(z.string(), z.unknown());

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
    seq: z.number().int().positive(),
    speaker: z.enum(['customer', 'agent', 'bot']),
    text: z.string().max(20_000),
    final: z.boolean(),
    startMs: z.number().int().nonnegative().optional(),
    endMs: z.number().int().nonnegative().optional(),
    language: z.string().min(2).max(16).optional(),
  }),
  z.object({
    type: z.literal('action'),
    conversationId: id,
    seq: z.number().int().positive(),
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
    /** Last event id received; events after it are replayed. 0 = from the start. Omit: live only. */
    cursor: z.number().int().nonnegative().optional(),
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
