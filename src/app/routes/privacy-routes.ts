import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { retentionSettingsSchema } from '../../privacy/retention-settings.js';
import { responses } from './schemas.js';

const auditEntrySchema = z.object({
  id: z.number(),
  actor: z.object({ keyId: z.string().nullable(), keyName: z.string() }),
  action: z.enum(['customer.erased', 'retention.purged', 'retention.changed']),
  subject: z.string().nullable(),
  counts: z.record(z.string(), z.number()),
  createdAt: z.string(),
});

const actorOf = (principal: { keyId: string; keyName: string }) => ({
  keyId: principal.keyId,
  keyName: principal.keyName,
});

/** Erasure of one customer, retention settings and the audit trail of both: admins only. */
export function registerPrivacyRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { privacy } = services;

  routes.delete(
    '/api/customers/:customerId',
    {
      schema: {
        tags: ['privacy'],
        summary:
          'Erase a customer: their conversations, transcripts, events, wrap-ups, follow-ups, similar-case and search entries; answers what was removed',
        params: z.object({ customerId: z.string().min(1).max(500) }),
        response: responses(
          z.object({
            conversations: z.number().describe('conversations erased'),
            removed: z.record(z.string(), z.number()).describe('rows removed per kind'),
            auditSubject: z.string().describe('how the audit log names this customer'),
          }),
          400,
          401,
          403,
        ),
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      const result = await privacy.eraseCustomer({
        tenantId: principal.tenantId,
        customerId: request.params.customerId,
        actor: actorOf(principal),
      });
      return {
        conversations: result.conversations.length,
        removed: result.removed,
        auditSubject: result.subject,
      };
    },
  );

  routes.get(
    '/api/audit',
    {
      schema: {
        tags: ['privacy'],
        summary: 'Who erased, purged or changed retention, when, and how much (newest first)',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().min(1).optional(),
        }),
        response: responses(z.object({ entries: z.array(auditEntrySchema) }), 400, 401, 403),
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      const { limit, before } = request.query;
      return {
        entries: await privacy.audit.list(principal.tenantId, {
          limit,
          ...(before === undefined ? {} : { before }),
        }),
      };
    },
  );

  routes.get(
    '/api/retention',
    {
      schema: {
        tags: ['privacy'],
        summary: 'Days each kind of data is kept (a kind left out is kept until erased)',
        response: responses(retentionSettingsSchema, 401, 403),
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      return privacy.retention.get(principal.tenantId);
    },
  );

  routes.put(
    '/api/retention',
    {
      schema: {
        tags: ['privacy'],
        summary: 'Set retention in days per kind; the purge runs on every instance, in batches',
        body: retentionSettingsSchema,
        response: responses(retentionSettingsSchema, 400, 401, 403),
      },
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      await privacy.retention.set(principal.tenantId, request.body, actorOf(principal));
      return privacy.retention.get(principal.tenantId);
    },
  );
}
