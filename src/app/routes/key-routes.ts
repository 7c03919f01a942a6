import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { can, roles } from '../../tenancy/roles.js';
import { errorResponse, responses } from './schemas.js';

/** Admins manage their tenant's API keys. A key is shown once, at creation. */
export function registerKeyRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/keys',
    {
      schema: {
        tags: ['admin'],
        summary: "The tenant's API keys (never the keys themselves)",
        response: {
          200: z.object({
            keys: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                role: z.string(),
                agentId: z.string().nullable(),
                prefix: z.string(),
                createdAt: z.string(),
                revokedAt: z.string().nullable(),
              }),
            ),
          }),
          401: errorResponse,
          403: errorResponse,
        },
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      return { keys: await services.tenants.listKeys(principal.tenantId) };
    },
  );

  routes.get(
    '/api/people',
    {
      schema: {
        tags: ['auth'],
        summary: 'Names to show for agent ids (the names of their agent keys)',
        response: {
          200: z.object({
            agents: z.array(z.object({ agentId: z.string(), name: z.string() })),
          }),
          401: errorResponse,
          403: errorResponse,
        },
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      const agents = await services.tenants.agentNames(principal.tenantId);
      // An agent reads only its own conversations, so it needs, and gets, only its own name.
      return {
        agents: can(principal, 'read:tenant-conversations')
          ? agents
          : agents.filter((agent) => agent.agentId === principal.agentId),
      };
    },
  );

  routes.post(
    '/api/keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Issue a key; the response is the only time the key is shown',
        body: z.object({
          name: z.string().min(1).max(200),
          role: z.enum(roles),
          agentId: z.string().min(1).max(200).optional(),
        }),
        response: {
          201: z.object({
            id: z.string(),
            key: z.string(),
            role: z.string(),
            agentId: z.string().nullable(),
            name: z.string(),
          }),
          400: errorResponse,
          401: errorResponse,
          403: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'tenant:admin');
      const issued = await services.tenants.issueKey({
        tenantId: principal.tenantId,
        ...request.body,
      });
      return reply.status(201).send(issued);
    },
  );

  routes.delete(
    '/api/keys/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke a key; it stops working at once',
        params: z.object({ id: z.string() }),
        response: responses(z.object({ id: z.string(), revoked: z.literal(true) }), 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      if (!(await services.tenants.revokeKey(principal.tenantId, request.params.id))) {
        throw new CuecardError(
          'not_found',
          `No active key "${request.params.id}" in this tenant.`,
          { field: 'id' },
        );
      }
      return { id: request.params.id, revoked: true as const };
    },
  );
}
