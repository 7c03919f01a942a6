import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CuecardError } from '../../errors/cuecard-error.js';
import { errorResponse } from './schemas.js';
import type { Services } from '../services.js';

/** Who the key belongs to, so a console can show the right navigation. */
export function registerMeRoutes(app: FastifyInstance, services: Pick<Services, 'tenants'>): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/me',
    {
      schema: {
        tags: ['auth'],
        summary: "The calling key's tenant, role and agent",
        response: {
          200: z.object({
            tenantId: z.string(),
            /** The tenant's name as its admin created it (the consoles show it, not the id). */
            tenantName: z.string(),
            role: z.string(),
            agentId: z.string().nullable(),
            keyId: z.string(),
            /** The key's name: the consoles greet people by it. */
            name: z.string(),
          }),
          401: errorResponse,
        },
      },
    },
    async (request) => {
      const principal = request.principal;
      if (!principal)
        throw new CuecardError('unauthenticated', 'No API key was checked for this request.');
      const tenant = await services.tenants.getTenant(principal.tenantId);
      return {
        tenantId: principal.tenantId,
        tenantName: tenant?.name ?? principal.tenantId,
        role: principal.role,
        agentId: principal.agentId,
        keyId: principal.keyId,
        name: principal.keyName,
      };
    },
  );
}
