import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { can } from '../../tenancy/roles.js';
import { summarizeConversation } from '../../wrap-up/summary/summarize.js';
import {
  listFollowUps,
  reviewFollowUp,
  setFollowUpStatus,
  type FollowUpReview,
  type FollowUpTask,
} from '../../wrap-up/followups/follow-up-store.js';
import {
  MAX_SUMMARY_EDIT_CHARS,
  saveSummaryEdit,
  summaryEditOf,
} from '../../wrap-up/summary/summary-edits.js';
import { registerAgentWrapupRoutes } from './agent-wrapup-routes.js';
import { fcrReport } from '../../wrap-up/repeat-contact/repeat-contacts.js';
import { visibleConversation } from './visible-conversation.js';
import { requiredService } from './required-service.js';
import { errorResponse, responses } from './schemas.js';
import { maxInt32 } from '../validation/safe-input.js';

const status = z.enum(['open', 'done', 'cancelled']);

/** Follow-up tasks (agents see their own) and first-contact-resolution reports (supervisors). */
export function registerWrapUpRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = services;

  routes.get(
    '/api/follow-ups',
    {
      schema: {
        tags: ['wrap-up'],
        summary:
          'Follow-up tasks from commitments made in conversations (callbacks, reminders, drafted messages)',
        querystring: z.object({
          status: status.optional(),
          conversationId: z.string().optional(),
          agentId: z.string().optional(),
          dueBefore: z.iso.datetime({ offset: true }).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.looseObject({}), 401: errorResponse, 403: errorResponse },
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      const tenantWide = can(principal, 'read:tenant-conversations');
      if (!tenantWide && request.query.agentId && request.query.agentId !== principal.agentId) {
        throw new CuecardError('forbidden', 'An agent key sees only its own follow-ups.', {
          field: 'agentId',
        });
      }
      const tasks = await listFollowUps(db, {
        tenantId: principal.tenantId,
        owner: tenantWide ? request.query.agentId : (principal.agentId ?? undefined),
        status: request.query.status,
        conversationId: request.query.conversationId,
        dueBefore: request.query.dueBefore ? new Date(request.query.dueBefore) : undefined,
        limit: request.query.limit,
      });
      return { tasks };
    },
  );

  routes.patch(
    '/api/follow-ups/:id',
    {
      schema: {
        tags: ['wrap-up'],
        summary:
          "Mark a follow-up task done or cancelled (or open again), or record the agent's decision at wrap-up: accept it, change its text or due time, or dismiss it",
        // A serial id: past 2^31-1 it could never exist, and Postgres would refuse the comparison.
        params: z.object({ id: z.coerce.number().int().positive().max(maxInt32) }),
        body: z.object({
          status: status.optional(),
          decision: z.enum(['accepted', 'changed', 'dismissed']).optional(),
          draftMessage: z.string().trim().min(1).max(2000).optional(),
          dueAt: z.iso.datetime({ offset: true }).nullable().optional(),
        }),
        response: responses(z.looseObject({}), 400, 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      const owner = can(principal, 'read:tenant-conversations')
        ? undefined
        : (principal.agentId ?? '');
      const review = followUpReview(request.body);
      if (!review && !request.body.status)
        throw new CuecardError(
          'validation_failed',
          'Send a status, a decision, or a new draftMessage or dueAt.',
          { field: 'status' },
        );
      if (review && !can(principal, 'feedback'))
        throw new CuecardError('forbidden', 'Only agents and supervisors decide on follow-ups.', {
          field: 'decision',
        });
      let task: FollowUpTask | null = null;
      if (review)
        task = await reviewFollowUp(
          db,
          principal.tenantId,
          request.params.id,
          review,
          principal.keyName,
          owner,
        );
      if (request.body.status && (task || !review))
        task = await setFollowUpStatus(
          db,
          principal.tenantId,
          request.params.id,
          request.body.status,
          owner,
        );
      if (!task)
        throw new CuecardError(
          'not_found',
          `No follow-up task ${request.params.id} visible to this key.`,
          { field: 'id' },
        );
      return { ...task };
    },
  );

  routes.get(
    '/api/conversations/:id/summary',
    {
      schema: {
        tags: ['wrap-up'],
        summary:
          'Summary of the conversation so far, on demand (e.g. before a transfer); the final one comes at the end',
        params: z.object({ id: z.string() }),
        response: responses(z.looseObject({}), 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:own-conversations');
      const conversation = await visibleConversation(services, principal, request.params.id);
      const transcript = await services.conversations.items(conversation.id);
      // The LLM (when configured) gets a few seconds; the offline summary is the fallback.
      const summary = await summarizeConversation(transcript, {
        chatModel: services.chatModel,
        signal: AbortSignal.timeout(10_000),
        language: conversation.language,
      });
      return {
        conversationId: conversation.id,
        status: conversation.status,
        throughSeq: conversation.lastSeq,
        ...summary,
        // The agent's own text once saved at wrap-up, with who and when (the above is generated).
        agentEdit: await summaryEditOf(db, {
          tenantId: principal.tenantId,
          conversationId: conversation.id,
        }),
      };
    },
  );

  routes.put(
    '/api/conversations/:id/summary',
    {
      schema: {
        tags: ['wrap-up'],
        summary:
          "The agent's edited summary of an ended conversation (the generated one is kept beside it)",
        params: z.object({ id: z.string() }),
        body: z.object({ text: z.string().trim().min(1).max(MAX_SUMMARY_EDIT_CHARS) }),
        response: responses(z.looseObject({}), 400, 401, 403, 404, 409),
      },
    },
    async (request) => {
      const principal = authorize(request, 'feedback');
      const conversation = await visibleConversation(services, principal, request.params.id);
      if (conversation.status !== 'ended')
        throw new CuecardError(
          'conflict',
          'The summary is written when the conversation ends; edit it then.',
          { field: 'id' },
        );
      const edit = await saveSummaryEdit(
        db,
        { tenantId: principal.tenantId, conversationId: conversation.id },
        request.body.text,
        principal.keyName,
      );
      return { conversationId: conversation.id, agentEdit: edit };
    },
  );

  registerAgentWrapupRoutes(app, services);

  routes.put(
    '/api/churn/model',
    {
      schema: {
        tags: ['wrap-up'],
        summary:
          'Train the churn model from a customer table with known outcomes (CSV text: a customer id column, a Yes/No outcome column, attributes)',
        body: z.object({
          csv: z.string().min(1).max(50_000_000),
          idColumn: z.string().optional(),
          labelColumn: z.string().optional(),
        }),
        response: responses(z.looseObject({}), 400, 401, 403),
      },
      bodyLimit: 64 * 1024 * 1024,
    },
    async (request) => {
      const principal = authorize(request, 'tenant:admin');
      const churn = requiredService(services.churn, 'Churn scoring is not configured');
      const { csv, idColumn, labelColumn } = request.body;
      return churn.train(principal.tenantId, csv, {
        idColumn,
        labelColumn,
        by: principal.keyId,
      });
    },
  );

  routes.get(
    '/api/churn/model',
    {
      schema: {
        tags: ['wrap-up'],
        summary: "The tenant's churn model: trained from how many customers, when",
        response: { 200: z.looseObject({}), 401: errorResponse, 403: errorResponse },
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:tenant-conversations');
      return services.churn ? services.churn.info(principal.tenantId) : { trained: false };
    },
  );

  routes.get(
    '/api/reports/fcr',
    {
      schema: {
        tags: ['reports'],
        summary: 'First-contact resolution rate by agent, topic (intent), day or week',
        querystring: z.object({
          groupBy: z.enum(['agent', 'topic', 'day', 'week']).default('agent'),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 200: z.looseObject({}), 401: errorResponse, 403: errorResponse },
      },
    },
    async (request) => {
      const principal = authorize(request, 'read:tenant-conversations');
      const groups = await fcrReport(db, {
        tenantId: principal.tenantId,
        groupBy: request.query.groupBy,
        from: request.query.from ? new Date(request.query.from) : undefined,
        to: request.query.to ? new Date(request.query.to) : undefined,
      });
      const total = groups.reduce((sum, g) => sum + g.conversations, 0);
      const resolved = groups.reduce((sum, g) => sum + g.resolvedFirstTime, 0);
      return {
        groupBy: request.query.groupBy,
        overall: {
          conversations: total,
          resolvedFirstTime: resolved,
          rate: total === 0 ? null : resolved / total,
        },
        groups,
      };
    },
  );
}

/** The body's decision, if it makes one; a text or due time without a decision is a change. */
function followUpReview(body: {
  decision?: FollowUpReview['decision'] | undefined;
  draftMessage?: string | undefined;
  dueAt?: string | null | undefined;
}): FollowUpReview | undefined {
  const changes = body.draftMessage !== undefined || body.dueAt !== undefined;
  const decision = body.decision ?? (changes ? 'changed' : undefined);
  if (decision === undefined) return undefined;
  if (decision !== 'changed') {
    if (changes)
      throw new CuecardError(
        'validation_failed',
        `A "${decision}" decision takes no draftMessage or dueAt; send decision "changed".`,
        { field: 'decision' },
      );
    return { decision };
  }
  if (!changes)
    throw new CuecardError('validation_failed', 'A change needs a new draftMessage or dueAt.', {
      field: 'draftMessage',
    });
  return {
    decision,
    draftMessage: body.draftMessage,
    dueAt: body.dueAt === undefined ? undefined : body.dueAt === null ? null : new Date(body.dueAt),
  };
}
