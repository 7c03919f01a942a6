import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { parsePlaybook } from '../../assist/playbooks/playbook.js';
import { requiredService } from './required-service.js';
import { errorResponse } from './schemas.js';

const ok = z.looseObject({});

/** Knowledge managers define playbooks (guided workflows) per intent; live conversations use them at once. */
export function registerPlaybookRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const store = () => requiredService(services.playbooks, 'Playbooks are not configured');

  routes.get(
    '/api/playbooks',
    {
      schema: {
        tags: ['assist'],
        summary: "The tenant's playbooks: bundled ones and its own versions",
        response: { 200: ok, 401: errorResponse, 403: errorResponse },
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:read');
      return {
        playbooks: (await store().effective(principal.tenantId)).map((entry) => ({
          ...entry.playbook,
          source: entry.source,
          version: entry.version,
        })),
      };
    },
  );

  routes.put(
    '/api/playbooks/:id',
    {
      schema: {
        tags: ['assist'],
        summary:
          'Create or replace a playbook (new version); steps, conditions and the actions or phrases that complete them',
        params: z.object({ id: z.string() }),
        body: z.looseObject({}),
        response: { 200: ok, 400: errorResponse, 401: errorResponse, 403: errorResponse },
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:write');
      // Same validation as the YAML files: every problem listed with its path.
      const playbook = parsePlaybook(
        { version: 1, ...request.body, id: request.params.id },
        'request body',
      );
      const version = await store().save(principal.tenantId, playbook, principal.keyId);
      return { id: playbook.id, version };
    },
  );

  routes.delete(
    '/api/playbooks/:id',
    {
      schema: {
        tags: ['assist'],
        summary:
          "Retire the tenant's own version; a bundled playbook with the same id applies again",
        params: z.object({ id: z.string() }),
        response: { 200: ok, 401: errorResponse, 403: errorResponse, 404: errorResponse },
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:write');
      if (!(await store().retire(principal.tenantId, request.params.id, principal.keyId))) {
        throw new CuecardError(
          'not_found',
          `No playbook "${request.params.id}" of this tenant to retire.`,
          { field: 'id' },
        );
      }
      return { id: request.params.id, retired: true };
    },
  );
}
