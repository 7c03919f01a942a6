import { z } from 'zod';

/** Shared HTTP schemas: they drive validation, types and the OpenAPI document at once. */
export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 503;

/**
 * A route's response schemas: its success body and the error statuses it answers with, which
 * all share the error shape (so the OpenAPI document lists them without a copy per route).
 */
export function responses<Ok extends z.ZodType, Status extends ErrorStatus>(
  ok: Ok,
  ...errors: Status[]
): { 200: Ok } & Record<Status, typeof errorResponse> {
  const byStatus = Object.fromEntries(errors.map((status) => [status, errorResponse]));
  return { 200: ok, ...byStatus } as { 200: Ok } & Record<Status, typeof errorResponse>;
}

export const conversationSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  externalId: z.string(),
  channel: z.enum(['voice', 'chat', 'email']),
  agentId: z.string().nullable(),
  customerId: z.string().nullable(),
  customerAttributes: z.record(z.string(), z.unknown()),
  language: z.string().nullable(),
  status: z.enum(['active', 'ended']),
  lastSeq: z.number(),
  metadata: z.record(z.string(), z.unknown()),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});

export const itemSchema = z.object({
  kind: z.enum(['utterance', 'action']),
  conversationId: z.string(),
  seq: z.number(),
  speaker: z.enum(['customer', 'agent', 'bot']).optional(),
  text: z.string().optional(),
  action: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  startMs: z.number().nullable().optional(),
  endMs: z.number().nullable().optional(),
  language: z.string().nullable().optional(),
  createdAt: z.string(),
});

/** One event of the union in src/conversations/events.ts (v, id, type, conversationId, at, ...body). */
export const eventSchema = z.record(z.string(), z.unknown());
