import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CuecardError } from '../../errors/cuecard-error.js';
import { errorResponse } from './schemas.js';

/** Who the key belongs to, so a console can show the right navigation. */
export function registerMeRoutes(app: FastifyInstance): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/me',
    {
      schema: {
        tags: ['auth'],
        summary: "The calling key's tenant, role and agent",
        response: {
          200: z.object({
            tenantId: z.string(),
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
      return {
        tenantId: principal.tenantId,
        role: principal.role,
        agentId: principal.agentId,
        keyId: principal.keyId,
        name: principal.keyName,
      };
    },
  );
}
