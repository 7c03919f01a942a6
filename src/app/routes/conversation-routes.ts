import { MAX_REPLAY } from '../../conversations/event-log.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { can } from '../../tenancy/roles.js';
import { visibleConversation } from './visible-conversation.js';
import { conversationSchema, errorResponse, eventSchema, itemSchema } from './schemas.js';

const listQuery = z.object({
  agentId: z.string().optional(),
  channel: z.enum(['voice', 'chat', 'email']).optional(),
  status: z.enum(['active', 'ended']).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('ISO time; started at or after'),
  to: z.iso.datetime({ offset: true }).optional().describe('ISO time; started before'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
});

/** Conversations and customers' cross-channel history. Agent keys see only their own. */
export function registerConversationRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/conversations',
    {
      schema: {
        tags: ['conversations'],
        summary: 'List conversations, newest first',
        querystring: listQuery,
        response: {
          200: z.object({
            conversations: z.array(conversationSchema),
            nextCursor: z.string().nullable(),
          }),
          401: errorResponse,
          403: errorResponse,
        },
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      const query = request.query;
      const tenantWide = can(principal, 'read:tenant-conversations');
      if (!tenantWide && query.agentId && query.agentId !== principal.agentId) {
        throw new CuecardError('forbidden', 'An agent key may list only its own conversations.', {
          field: 'agentId',
        });
      }
      return services.conversations.list({
        tenantId: principal.tenantId,
        agentId: tenantWide ? query.agentId : (principal.agentId ?? undefined),
        channel: query.channel,
        status: query.status,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        limit: query.limit,
        cursor: query.cursor,
      });
    },
  );

  routes.get(
    '/api/conversations/:id',
    {
      schema: {
        tags: ['conversations'],
        summary: 'One conversation with its transcript and events',
        params: z.object({ id: z.string() }),
        querystring: z.object({
          events: z.enum(['true', 'false']).default('true'),
          /** Events after this id (the last one of the previous page). */
          after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
          limit: z.coerce.number().int().min(1).max(MAX_REPLAY).default(MAX_REPLAY),
        }),
        response: {
          200: z.object({
            conversation: conversationSchema,
            transcript: z.array(itemSchema),
            events: z.array(eventSchema),
            /** Set when more events follow: pass it as `after` for the next page. */
            nextAfter: z.number().int().nullable(),
          }),
          401: errorResponse,
          404: errorResponse,
        },
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      const conversation = await visibleConversation(services, principal, request.params.id);
      const transcript = await services.conversations.items(conversation.id);
      const { after, limit } = request.query;
      const events =
        request.query.events === 'true'
          ? await services.eventLog.since(
              { tenantId: principal.tenantId, conversationId: conversation.id },
              after,
              limit,
            )
          : [];
      const nextAfter = events.length === limit ? (events[events.length - 1]?.id ?? null) : null;
      // Events are a typed union internally; on the wire they are documented as open objects.
      return {
        conversation,
        transcript,
        events: events as unknown as Record<string, unknown>[],
        nextAfter,
      };
    },
  );

  routes.get(
    '/api/customers/:customerId/history',
    {
      schema: {
        tags: ['conversations'],
        summary: "One customer's conversations across channels (calls, chats, e-mails)",
        params: z.object({ customerId: z.string() }),
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().optional(),
        }),
        response: {
          200: z.object({
            customerId: z.string(),
            conversations: z.array(conversationSchema),
            nextCursor: z.string().nullable(),
          }),
          401: errorResponse,
          403: errorResponse,
        },
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:tenant-conversations');
      const page = await services.conversations.list({
        tenantId: principal.tenantId,
        // Stored as a pseudonym when the tenant redacts customer ids: look up by the same.
        customerId: await services.storedCustomerId(principal.tenantId, request.params.customerId),
        limit: request.query.limit,
        cursor: request.query.cursor,
      });
      return { customerId: request.params.customerId, ...page };
    },
  );
}
