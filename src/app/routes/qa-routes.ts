import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { listForReview, reviewOf } from '../../wrap-up/qa/qa-review.js';
import { qaAgreement, recordQaOverride } from '../../wrap-up/qa/qa-store.js';
import { confirmDisposition } from '../../wrap-up/disposition/confirm-disposition.js';
import type { DispositionConfirmed } from '../../wrap-up/agent-wrapup.js';
import { announce } from '../../integrations/webhooks/delivery-store.js';
import { requiredService } from './required-service.js';
import { errorResponse, responses } from './schemas.js';
import { visibleConversation } from './visible-conversation.js';
import { dispositionText } from '../../wrap-up/disposition/disposition-service.js';

const score = z.union([z.literal(0), z.literal(1), z.null()]);

/** QA review: scored conversations with evidence, human overrides, agreement; agents' wrap-up codes. */
export function registerQaRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { db } = services;

  const scorecardService = () =>
    requiredService(services.scorecards, 'QA scorecards are not configured');

  routes.get(
    '/api/qa/conversations',
    {
      schema: {
        tags: ['qa'],
        summary: 'Finished conversations with QA score, disposition and churn risk',
        querystring: z.object({
          agentId: z.string().optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          disposition: z.string().optional(),
          minScore: z.coerce.number().min(0).max(1).optional(),
          maxScore: z.coerce.number().min(0).max(1).optional(),
          minChurnRisk: z.coerce.number().min(0).max(1).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          // Deep pages are for filters (from/to/agentId), not offsets; bounded so it stays an integer.
          offset: z.coerce.number().int().min(0).max(100_000).default(0),
        }),
        response: { 200: z.looseObject({}), 401: errorResponse, 403: errorResponse },
      },
    },
    async (request) => {
      const principal = authorize(request, 'qa:review');
      const q = request.query;
      return listForReview(services, {
        tenantId: principal.tenantId,
        agentId: q.agentId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        disposition: q.disposition,
        minScore: q.minScore,
        maxScore: q.maxScore,
        minChurnRisk: q.minChurnRisk,
        limit: q.limit,
        offset: q.offset,
      });
    },
  );

  routes.get(
    '/api/qa/conversations/:id',
    {
      schema: {
        tags: ['qa'],
        summary:
          'One conversation for review: transcript, summary, disposition, churn reasons, scorecard with evidence, sentiment timeline',
        params: z.object({ id: z.string() }),
        response: responses(z.looseObject({}), 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'qa:review');
      const conversation = await visibleConversation(services, principal, request.params.id);
      const transcript = await services.conversations.items(conversation.id);
      return {
        conversation,
        transcript,
        ...(await reviewOf(services, principal.tenantId, conversation.id)),
      };
    },
  );

  routes.post(
    '/api/qa/conversations/:id/overrides',
    {
      schema: {
        tags: ['qa'],
        summary:
          "Override one criterion's automatic score with a comment (the automatic score is kept)",
        params: z.object({ id: z.string() }),
        body: z.object({
          criterionId: z.string().min(1),
          score,
          comment: z.string().max(2000).default(''),
          reviewer: z
            .string()
            .min(1)
            .max(200)
            .optional()
            .describe('defaults to the name of the API key'),
        }),
        response: responses(z.looseObject({}), 401, 403, 404),
      },
    },
    async (request) => {
      const principal = authorize(request, 'qa:review');
      const conversation = await visibleConversation(services, principal, request.params.id);
      const review = await reviewOf(services, principal.tenantId, conversation.id);
      const criterion = review.scorecard.find(
        (entry) => entry.criterionId === request.body.criterionId,
      );
      if (!criterion) {
        throw new CuecardError(
          'not_found',
          `No scored criterion "${request.body.criterionId}" for this conversation; scored: ${review.scorecard.map((c) => c.criterionId).join(', ') || 'none (not scored yet)'}.`,
          { field: 'criterionId' },
        );
      }
      const reviewer = request.body.reviewer ?? principal.keyName;
      await db.transaction(async (tx) => {
        await recordQaOverride(tx, principal.tenantId, {
          conversationId: conversation.id,
          scorecardId: criterion.scorecardId,
          scorecardVersion: criterion.scorecardVersion,
          criterionId: criterion.criterionId,
          humanScore: request.body.score,
          comment: request.body.comment,
          reviewer,
        });
        await announce(tx, [
          {
            tenantId: principal.tenantId,
            type: 'qa.reviewed',
            sourceKey: `qa:${randomUUID()}`,
            createdAt: new Date().toISOString(),
            data: {
              conversationId: conversation.id,
              externalId: conversation.externalId,
              agentId: conversation.agentId,
              criterionId: criterion.criterionId,
              autoScore: criterion.autoScore,
              humanScore: request.body.score,
              comment: request.body.comment,
              reviewer,
            },
          },
        ]);
      });
      const { scorecard, reviewedOverall } = await reviewOf(
        services,
        principal.tenantId,
        conversation.id,
      );
      return { scorecard, reviewedOverall };
    },
  );

  routes.get(
    '/api/scorecards',
    {
      schema: {
        tags: ['qa'],
        summary: "The tenant's current QA scorecard and its versions",
        response: { 200: z.looseObject({}), 401: errorResponse, 403: errorResponse },
      },
    },
    async (request) => {
      const principal = authorize(request, 'qa:review');
      const scorecards = scorecardService();
      return {
        current: await scorecards.currentFor(principal.tenantId),
        versions: await scorecards.versions(principal.tenantId),
      };
    },
  );

  routes.put(
    '/api/scorecards',
    {
      schema: {
        tags: ['qa'],
        summary:
          'A new scorecard version (criteria with checks and weights); conversations ending from now on use it',
        body: z.looseObject({}),
        response: responses(z.looseObject({}), 400, 401, 403),
      },
    },
    async (request) => {
      const principal = authorize(request, 'qa:review');
      return { scorecard: await scorecardService().save(principal.tenantId, request.body) };
    },
  );

  routes.get(
    '/api/qa/agreement',
    {
      schema: {
        tags: ['qa'],
        summary:
          'How often automatic QA scores agree with human reviews, overall and per criterion',
        querystring: z.object({ scorecardId: z.string().optional() }),
        response: { 200: z.looseObject({}), 401: errorResponse, 403: errorResponse },
      },
    },
    async (request) => {
      const principal = authorize(request, 'qa:review');
      return { ...(await qaAgreement(db, principal.tenantId, request.query.scorecardId)) };
    },
  );

  routes.post(
    '/api/conversations/:id/disposition',
    {
      schema: {
        tags: ['conversations'],
        summary: "The agent's confirmed or corrected wrap-up code",
        params: z.object({ id: z.string() }),
        body: z.object({ code: z.string().min(1).max(100) }),
        response: responses(z.looseObject({}), 400, 401, 403, 404),
      },
    },
    async (request) => {
      // The conversation's own agent, supervisors and admins (readers such as knowledge managers
      // do not file codes).
      const principal = authorize(request, 'feedback');
      const conversation = await visibleConversation(services, principal, request.params.id);
      const codes = services.dispositions?.codes;
      // A code outside the tenant's set would never train the classifier nor match a suggestion.
      if (codes && !codes.some((entry) => entry.code === request.body.code))
        throw new CuecardError(
          'validation_failed',
          `"${request.body.code}" is not one of the tenant's wrap-up codes: ${codes.map((entry) => entry.code).join(', ')}.`,
          { field: 'code' },
        );
      const { suggested, qa } = await confirmDisposition(
        services,
        {
          tenantId: principal.tenantId,
          conversationId: conversation.id,
          code: request.body.code,
          agentId: principal.agentId,
        },
        (tx, suggestedCode) =>
          announce(tx, [
            {
              tenantId: principal.tenantId,
              type: 'disposition.confirmed',
              sourceKey: `disposition:${randomUUID()}`,
              createdAt: new Date().toISOString(),
              data: {
                conversationId: conversation.id,
                externalId: conversation.externalId,
                agentId: conversation.agentId,
                code: request.body.code,
                suggested: suggestedCode,
                confirmedBy: principal.keyName,
              },
            },
          ]),
      );
      // And ranking evidence: the tenant's learned ranker takes the code in (no refit).
      services.knowledge?.resolutions?.refresh(principal.tenantId);
      // From now on this conversation is training data for the tenant's classifier.
      await services.dispositions?.learn(
        principal.tenantId,
        dispositionText(await services.conversations.items(conversation.id)),
        request.body.code,
      );
      return {
        conversationId: conversation.id,
        code: request.body.code,
        suggested,
        agreed: suggested === request.body.code,
        qa,
      } satisfies DispositionConfirmed;
    },
  );
}
