import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { visibleConversation } from './visible-conversation.js';
import { responses } from './schemas.js';
import { customerOverview } from './customer-overview.js';

const overviewSchema = z.object({
  conversationId: z.string(),
  customerId: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  priorContacts: z.array(
    z.object({
      conversationId: z.string(),
      externalId: z.string(),
      channel: z.enum(['voice', 'chat', 'email']),
      status: z.enum(['active', 'ended']),
      startedAt: z.string(),
      endedAt: z.string().nullable(),
      outcome: z.object({ code: z.string(), confirmed: z.boolean() }).nullable(),
      summary: z.string().nullable(),
    }),
  ),
  openFollowUps: z.array(
    z.object({
      id: z.number(),
      conversationId: z.string(),
      kind: z.string(),
      dueAt: z.string().nullable(),
      draftMessage: z.string(),
    }),
  ),
});

/**
 * The customer on a conversation, for whoever may read that conversation: its own agent (who
 * may not read the tenant's history as a whole) and supervisors or admins.
 */
export function registerCustomerRoutes(app: FastifyInstance, services: Services): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/conversations/:id/customer',
    {
      schema: {
        tags: ['conversations'],
        summary:
          "The conversation's customer: attributes, other contacts with their outcome, open follow-ups",
        params: z.object({ id: z.string() }),
        response: responses(overviewSchema, 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      // Another agent's conversation answers 404 like an unknown one: ids cannot be probed.
      const conversation = await visibleConversation(services, principal, request.params.id);
      return customerOverview(services, conversation);
    },
  );
}
