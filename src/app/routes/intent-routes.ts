import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { createIntentStore } from '../../understanding/intent/intent-store.js';
import { parseTaxonomy } from '../../understanding/intent/taxonomy.js';
import { requiredService } from './required-service.js';
import { errorResponse, responses } from './schemas.js';

/** A tenant's intent taxonomy: read it, replace it (retrained at once, no restart), try it. */
export function registerIntentRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const store = createIntentStore(services.db);
  const cache = () => requiredService(services.intents, 'Intent detection is not configured');

  routes.get(
    '/api/intents',
    {
      schema: {
        tags: ['intents'],
        summary:
          "The tenant's taxonomy (its latest version, or the built-in default), its versions and the model in use",
        response: { 200: z.looseObject({}), 401: errorResponse, 403: errorResponse },
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:read');
      const model = await cache().get(principal.tenantId);
      const stored = await store.load(principal.tenantId);
      return {
        version: model.version,
        taxonomyName: model.taxonomyName,
        trainedAt: model.trainedAt,
        trainingMs: model.trainingMs,
        taxonomy: stored
          ? {
              name: stored.name,
              intents: stored.intents,
              outOfScope: stored.outOfScope,
              minConfidence: stored.minConfidence,
            }
          : null,
        versions: await store.versions(principal.tenantId),
      };
    },
  );

  routes.put(
    '/api/intents',
    {
      schema: {
        tags: ['intents'],
        summary:
          'Replace the taxonomy with a new version and retrain now; live conversations switch to it without a restart',
        body: z
          .looseObject({})
          .describe(
            '{ name, intents: [{ name, description?, examples: [..] }], outOfScope?: [..], minConfidence? }',
          ),
        response: responses(z.looseObject({}), 400, 401, 403),
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:write');
      // Lists every problem at once (intent and field), as a 400.
      const taxonomy = parseTaxonomy(request.body, 'request body');
      const saved = await store.save(principal.tenantId, taxonomy, 'api');
      const model = await cache().retrain(principal.tenantId);
      return {
        version: saved.version,
        intents: taxonomy.intents.length,
        trainedAt: model.trainedAt,
        trainingMs: model.trainingMs,
      };
    },
  );

  routes.post(
    '/api/intents/predict',
    {
      schema: {
        tags: ['intents'],
        summary: 'Try the current model on a phrase',
        body: z.object({ text: z.string().min(1).max(2000) }),
        response: responses(z.looseObject({}), 400, 401, 403),
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:read');
      const model = await cache().get(principal.tenantId);
      return { ...(await model.classifier.predict(request.body.text)), version: model.version };
    },
  );
}
