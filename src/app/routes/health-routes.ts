import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { pingDatabase } from '../../stores/database.js';
import { errorSummary } from '../../errors/error-summary.js';

/** Liveness (the process answers) and readiness (the database answers). No key needed. */
export function registerHealthRoutes(app: FastifyInstance, services: Services): void {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness' } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'Readiness: the database answers' } },
    async (request, reply) => {
      try {
        await pingDatabase(services.db);
        // Analyses and wrap-ups not finished yet, on every instance (a backlog an operator
        // watches; a deploy script can wait for 0 before stopping the last instance).
        const pendingWork = await services.pipeline.pendingCount();
        return { status: 'ready', database: services.db.engine, pendingWork };
      } catch (error) {
        request.log.warn({ err: errorSummary(error) }, 'readiness: the database does not answer');
        return reply.status(503).send({ status: 'unavailable', database: services.db.engine });
      }
    },
  );
}
