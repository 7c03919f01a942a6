import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { webhookEventTypes } from '../../integrations/webhooks/webhook-types.js';
import { withoutSecret } from '../../integrations/webhooks/endpoint-store.js';
import { checkWebhookUrl, OutboundError } from '../../integrations/webhooks/outbound-request.js';
import { errorResponse, responses } from './schemas.js';

const endpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(webhookEventTypes)),
  description: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const deliverySchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  type: z.enum(webhookEventTypes),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

const events = z
  .array(z.enum(webhookEventTypes))
  .min(1)
  .describe(`any of: ${webhookEventTypes.join(', ')}`);
const secret = z
  .string()
  .min(16)
  .max(200)
  .describe('signs every delivery (HMAC-SHA256); generated when left out');
const params = z.object({ id: z.string() });

/**
 * Admins point their CRM, ticketing system or pager at Cuecard's events (README, "Webhooks").
 * The signing secret is shown once, in the answer to the creation.
 */
export function registerWebhookRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { endpoints, deliveries, dispatcher, settings } = services.webhooks;

  /** The registration-time URL check, as a 400 naming the field. */
  const checkedUrl = (url: string) => {
    try {
      return checkWebhookUrl(url, settings.allowPrivate).toString();
    } catch (error) {
      if (error instanceof OutboundError)
        throw new CuecardError('validation_failed', `url: ${error.message}`, { field: 'url' });
      throw error;
    }
  };
  const found = async (tenantId: string, id: string) => {
    const endpoint = await endpoints.get(tenantId, id);
    if (!endpoint)
      throw new CuecardError('not_found', `No webhook "${id}" in this tenant.`, { field: 'id' });
    return endpoint;
  };

  routes.post(
    '/api/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register an endpoint; the answer is the only time its secret is shown',
        body: z.object({
          url: z.string().max(2000),
          events,
          secret: secret.optional(),
          description: z.string().max(500).optional(),
        }),
        response: {
          201: endpointSchema.extend({ secret: z.string() }),
          400: errorResponse,
          401: errorResponse,
          403: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'tenant:admin');
      const created = await endpoints.create({
        tenantId: principal.tenantId,
        url: checkedUrl(request.body.url),
        events: [...new Set(request.body.events)],
        secret: request.body.secret,
        description: request.body.description,
      });
      const { tenantId: _tenant, ...shown } = created;
      return reply.status(201).send(shown);
    },
  );

  routes.get(
    '/api/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: "The tenant's endpoints (never their secrets)",
        response: responses(z.object({ webhooks: z.array(endpointSchema) }), 401, 403),
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      return { webhooks: (await endpoints.list(principal.tenantId)).map(withoutSecret) };
    },
  );

  routes.get(
    '/api/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One endpoint',
        params,
        response: responses(endpointSchema, 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      return withoutSecret(await found(principal.tenantId, request.params.id));
    },
  );

  routes.patch(
    '/api/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Change an endpoint: URL, events, secret, description, or pause it (active)',
        params,
        body: z.object({
          url: z.string().max(2000).optional(),
          events: events.optional(),
          secret: secret.optional(),
          description: z.string().max(500).optional(),
          active: z.boolean().optional(),
        }),
        response: responses(endpointSchema, 400, 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      const { url, events: types, ...rest } = request.body;
      const updated = await endpoints.update(principal.tenantId, request.params.id, {
        ...rest,
        url: url === undefined ? undefined : checkedUrl(url),
        events: types ? [...new Set(types)] : undefined,
      });
      if (!updated) await found(principal.tenantId, request.params.id);
      if (request.body.active) dispatcher.wake();
      return withoutSecret(updated!);
    },
  );

  routes.delete(
    '/api/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Remove an endpoint and its deliveries (queued ones are not sent)',
        params,
        response: responses(z.object({ id: z.string(), deleted: z.literal(true) }), 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      if (!(await endpoints.remove(principal.tenantId, request.params.id)))
        await found(principal.tenantId, request.params.id);
      return { id: request.params.id, deleted: true as const };
    },
  );

  routes.get(
    '/api/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Recent deliveries, newest first: status, attempts, last error, next try',
        params,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: responses(z.object({ deliveries: z.array(deliverySchema) }), 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      await found(principal.tenantId, request.params.id);
      return {
        deliveries: await deliveries.list(
          principal.tenantId,
          request.params.id,
          request.query.limit,
        ),
      };
    },
  );

  routes.post(
    '/api/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a delivery again now (same id and body), whatever became of it',
        params: z.object({ id: z.string(), deliveryId: z.string() }),
        response: {
          202: deliverySchema,
          401: errorResponse,
          403: errorResponse,
          404: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'tenant:admin');
      const delivery = await deliveries.redeliver(
        principal.tenantId,
        request.params.id,
        request.params.deliveryId,
      );
      if (!delivery)
        throw new CuecardError(
          'not_found',
          `No delivery "${request.params.deliveryId}" of webhook "${request.params.id}".`,
          { field: 'deliveryId' },
        );
      dispatcher.wake();
      return reply.status(202).send(delivery);
    },
  );
}
