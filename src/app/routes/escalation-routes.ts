import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import type { Principal } from '../../tenancy/roles.js';
import type { HelpPerson } from '../../conversations/events.js';
import { createHelpDesk } from '../../conversations/help/help-desk.js';
import { visibleConversation } from './visible-conversation.js';
import { responses } from './schemas.js';

const person = z.object({ keyId: z.string(), name: z.string() });
const helpRequestSchema = z.object({
  requestId: z.string(),
  reason: z.string().nullable(),
  requestedBy: person,
  requestedAt: z.string(),
  takenBy: person.nullable(),
  takenAt: z.string().nullable(),
  resolvedBy: person.nullable(),
  resolvedAt: z.string().nullable(),
});
const conversationParams = z.object({ id: z.string().min(1).max(200) });
const requestParams = conversationParams.extend({ requestId: z.string().min(1).max(200) });

const personOf = (principal: Principal): HelpPerson => ({
  keyId: principal.keyId,
  name: principal.keyName,
});

/** Supervisors and admins answer help requests; others (knowledge managers included) may not. */
function coach(principal: Principal): Principal {
  if (principal.role !== 'supervisor' && principal.role !== 'admin') {
    throw new CuecardError(
      'forbidden',
      `A ${principal.role} key may not answer help requests: supervisors and admins do.`,
    );
  }
  return principal;
}

/**
 * "Ask for help" (issue 21): the conversation's agent asks, one supervisor takes it, supervisors
 * send the agent private notes. Each step is an event in the conversation's log, so consoles
 * on every instance hear of it through their subscriptions.
 */
export function registerEscalationRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const desk = createHelpDesk({
    db: services.db,
    eventLog: services.eventLog,
    redact: services.redactText,
  });

  routes.get(
    '/api/conversations/:id/help',
    {
      schema: {
        tags: ['escalation'],
        summary: "A conversation's help requests, oldest first",
        params: conversationParams,
        response: responses(z.object({ requests: z.array(helpRequestSchema) }), 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      const conversation = await visibleConversation(services, principal, request.params.id);
      return { requests: await desk.requests(conversation) };
    },
  );

  routes.post(
    '/api/conversations/:id/help',
    {
      schema: {
        tags: ['escalation'],
        summary: "The conversation's agent asks every supervisor watching for help",
        params: conversationParams,
        body: z.object({ reason: z.string().max(500).optional() }).optional(),
        response: responses(
          z.object({ request: helpRequestSchema, created: z.boolean() }),
          400,
          401,
          403,
          404,
          409,
        ),
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      const conversation = await visibleConversation(services, principal, request.params.id);
      if (principal.agentId === null || principal.agentId !== conversation.agentId) {
        throw new CuecardError(
          'forbidden',
          "Only the conversation's agent may ask for help on it.",
          { field: 'id' },
        );
      }
      return desk.request(conversation, personOf(principal), request.body?.reason ?? null);
    },
  );

  routes.post(
    '/api/conversations/:id/help/:requestId/take',
    {
      schema: {
        tags: ['escalation'],
        summary: 'A supervisor takes a help request (one supervisor only; others get 409)',
        params: requestParams,
        response: responses(z.object({ request: helpRequestSchema }), 401, 403, 404, 409),
      },
    },
    async (request) => {
      const principal = coach(authorize(request, 'read:tenant-conversations'));
      const conversation = await visibleConversation(services, principal, request.params.id);
      return {
        request: await desk.take(conversation, request.params.requestId, personOf(principal)),
      };
    },
  );

  routes.post(
    '/api/conversations/:id/help/:requestId/resolve',
    {
      schema: {
        tags: ['escalation'],
        summary: 'The agent or a supervisor closes a help request',
        params: requestParams,
        response: responses(z.object({ request: helpRequestSchema }), 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      const conversation = await visibleConversation(services, principal, request.params.id);
      const ownAgent = principal.agentId !== null && principal.agentId === conversation.agentId;
      if (!ownAgent) coach(principal);
      return {
        request: await desk.resolve(conversation, request.params.requestId, personOf(principal)),
      };
    },
  );

  routes.post(
    '/api/conversations/:id/notes',
    {
      schema: {
        tags: ['escalation'],
        summary: "A supervisor's private note to the conversation's agent (never to the customer)",
        params: conversationParams,
        body: z.object({
          text: z
            .string()
            .max(2000)
            .refine((text) => text.trim().length > 0, 'A note needs some text.'),
        }),
        response: responses(
          z.object({
            note: z.object({
              noteId: z.string(),
              requestId: z.string().nullable(),
              text: z.string(),
              by: person,
            }),
          }),
          400,
          401,
          403,
          404,
          409,
        ),
      },
    },
    async (request) => {
      const principal = coach(authorize(request, 'read:tenant-conversations'));
      const conversation = await visibleConversation(services, principal, request.params.id);
      const { type: _type, ...note } = await desk.note(
        conversation,
        request.body.text,
        personOf(principal),
      );
      return { note };
    },
  );
}
