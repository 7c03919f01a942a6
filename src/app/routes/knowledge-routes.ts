import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import {
  createArticle,
  getArticle,
  getArticleRow,
  listArticles,
  updateArticle,
} from '../../knowledge/article-admin.js';
import { searchKnowledge } from '../../knowledge/search.js';
import {
  knowledgeGaps,
  missingFeedbackField,
  recordFeedback,
  type FeedbackRequest,
} from '../../knowledge/feedback.js';
import { recordResolutionFeedback } from '../../knowledge/learned-ranking/resolution-store.js';
import type { KnowledgeDeps } from '../../knowledge/ingest.js';
import { requiredService } from './required-service.js';
import { errorResponse } from './schemas.js';
import { visibleConversation } from './visible-conversation.js';

const status = z.enum(['draft', 'published', 'retired']);
const ok = z.looseObject({});
/** Typed search finds articles outside any suggestion: their feedback names only the article. */
const feedbackBody = z.object({
  suggestionId: z.string().min(1).max(200).optional(),
  conversationId: z.string().min(1).max(200),
  kind: z.enum(['article', 'next-step', 'reply', 'answer', 'similar-case']),
  articleId: z.string().min(1).max(200).optional(),
  verdict: z.enum(['used', 'helpful', 'not_helpful', 'dismissed']),
}) satisfies z.ZodType<FeedbackRequest>;

const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse };

/** Articles for knowledge managers, search for everyone, feedback from agents, knowledge gaps. */
export function registerKnowledgeRoutes(app: FastifyInstance, services: Services): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const deps = (): KnowledgeDeps =>
    requiredService(services.knowledge, 'The knowledge base is not configured');

  routes.get(
    '/api/articles',
    {
      schema: {
        tags: ['knowledge'],
        summary: 'Articles with usage and helpfulness of their cards',
        querystring: z.object({
          status: status.optional(),
          tag: z.string().optional(),
          language: z.string().optional(),
          q: z.string().optional(),
        }),
        response: { 200: ok, ...errors },
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:read');
      return {
        articles: await listArticles(services.db, {
          tenantId: principal.tenantId,
          ...request.query,
        }),
      };
    },
  );

  routes.get(
    '/api/articles/:id',
    {
      schema: {
        tags: ['knowledge'],
        summary: 'One article with its versions (who changed what, when)',
        params: z.object({ id: z.string() }),
        response: { 200: ok, ...errors },
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:read');
      return getArticle(services.db, principal.tenantId, request.params.id);
    },
  );

  routes.post(
    '/api/articles',
    {
      schema: {
        tags: ['knowledge'],
        summary: 'Create an article (draft unless a status is given)',
        body: z.object({
          title: z.string().min(1).max(300),
          body: z.string().min(1).max(200_000),
          tags: z.array(z.string().min(1).max(60)).max(30).optional(),
          language: z.string().min(2).max(16).optional(),
          status: status.optional(),
        }),
        response: { 201: ok, ...errors },
      },
    },
    async (request, reply) => {
      const principal = authorize(request, 'knowledge:write');
      const article = await createArticle(
        deps(),
        principal.tenantId,
        request.body,
        principal.keyId,
      );
      return reply.status(201).send({ article });
    },
  );

  routes.put(
    '/api/articles/:id',
    {
      schema: {
        tags: ['knowledge'],
        summary: 'Edit an article; the change becomes a new version',
        params: z.object({ id: z.string() }),
        body: z.object({
          title: z.string().min(1).max(300).optional(),
          body: z.string().min(1).max(200_000).optional(),
          tags: z.array(z.string().min(1).max(60)).max(30).optional(),
          language: z.string().min(2).max(16).optional(),
        }),
        response: { 200: ok, ...errors },
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:write');
      return {
        article: await updateArticle(
          deps(),
          principal.tenantId,
          request.params.id,
          request.body,
          principal.keyId,
        ),
      };
    },
  );

  for (const [action, target] of [
    ['publish', 'published'],
    ['retire', 'retired'],
  ] as const) {
    routes.post(
      `/api/articles/:id/${action}`,
      {
        schema: {
          tags: ['knowledge'],
          summary:
            action === 'publish'
              ? 'Publish: cards and search may show it'
              : 'Retire: kept with its history, no longer shown',
          params: z.object({ id: z.string() }),
          response: { 200: ok, ...errors },
        },
      },
      async (request) => {
        const principal = authorize(request, 'knowledge:write');
        return {
          article: await updateArticle(
            deps(),
            principal.tenantId,
            request.params.id,
            { status: target },
            principal.keyId,
          ),
        };
      },
    );
  }

  routes.get(
    '/api/knowledge/search',
    {
      schema: {
        tags: ['knowledge'],
        summary: 'Hybrid search (vectors + keywords, fused), best passage highlighted',
        querystring: z.object({
          q: z.string().min(1).max(2000),
          language: z.string().optional(),
          tags: z.string().optional().describe('comma-separated'),
          status: status.optional().describe('default: published'),
          limit: z.coerce.number().int().min(1).max(50).default(10),
        }),
        response: { 200: ok, ...errors },
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:read');
      const q = request.query;
      const results = await searchKnowledge(deps(), {
        tenantId: principal.tenantId,
        query: q.q,
        limit: q.limit,
        filters: {
          ...(q.language ? { language: q.language } : {}),
          ...(q.tags
            ? {
                tags: q.tags
                  .split(',')
                  .map((tag) => tag.trim())
                  .filter(Boolean),
              }
            : {}),
          ...(q.status ? { status: [q.status] } : {}),
        },
        log: {
          source: 'search',
          storeQueryText: true,
          redact: (text) => services.redactText(principal.tenantId, text),
        },
      });
      return {
        results: results.map((r) => ({
          articleId: r.articleId,
          title: r.title,
          tags: r.tags,
          language: r.language,
          score: r.confidence,
          passage: r.passage,
          highlighted: r.highlighted,
          matchedTerms: r.matchedTerms,
          // Why past resolutions moved it, as counts and a code: never the conversations' ids.
          ...(r.resolvedBefore
            ? {
                resolvedBefore: {
                  conversations: r.resolvedBefore.conversations,
                  ...(r.resolvedBefore.code ? { code: r.resolvedBefore.code } : {}),
                },
              }
            : {}),
        })),
      };
    },
  );

  routes.get(
    '/api/knowledge/gaps',
    {
      schema: {
        tags: ['knowledge'],
        summary: 'Questions that found no good article, grouped by topic, with counts and examples',
        querystring: z.object({
          sinceDays: z.coerce.number().int().min(1).max(365).default(30),
          maxScore: z.coerce.number().min(0).max(1).default(0.3),
        }),
        response: { 200: ok, ...errors },
      },
    },
    async (request) => {
      const principal = authorize(request, 'knowledge:read');
      const gaps = await knowledgeGaps(services.db, {
        tenantId: principal.tenantId,
        redact: (text) => services.redactText(principal.tenantId, text),
        sinceDays: request.query.sinceDays,
        maxScore: request.query.maxScore,
      });
      return {
        gaps: gaps.map((gap) => ({
          topic: gap.terms.slice(0, 4).join(' '),
          terms: gap.terms,
          count: gap.count,
          examples: gap.examples,
          lastSeen: gap.lastSeen,
        })),
      };
    },
  );

  routes.post(
    '/api/feedback',
    {
      schema: {
        tags: ['knowledge'],
        summary:
          "An agent's verdict on a suggestion or a searched article: used, helpful, not helpful, dismissed (articles also move the ranking)",
        body: feedbackBody,
        response: { 200: ok, ...errors },
      },
    },
    async (request) => {
      const principal = authorize(request, 'feedback');
      const body = request.body;
      const conversation = await visibleConversation(
        services,
        principal,
        body.conversationId,
        'conversationId',
      );
      const missing = missingFeedbackField(body);
      if (missing)
        throw new CuecardError(
          'validation_failed',
          missing === 'articleId'
            ? 'articleId is required for article feedback.'
            : `suggestionId is required for ${body.kind} feedback.`,
          { field: missing },
        );
      // Looked up once here so the log can name the article (search results were never shown
      // in a suggestion whose title it could borrow).
      const article = body.articleId
        ? await getArticleRow(services.db, principal.tenantId, body.articleId)
        : null;
      if (body.kind === 'article' && body.articleId) {
        await recordFeedback(services.db, {
          tenantId: principal.tenantId,
          articleId: body.articleId,
          kind: body.verdict,
          agentId: principal.agentId,
          conversationId: conversation.id,
          suggestionId: body.suggestionId ?? null,
        });
      }
      // What the verdict says about the articles that resolve conversations like this one.
      await recordResolutionFeedback(services.db, {
        tenantId: principal.tenantId,
        conversationId: conversation.id,
        kind: body.kind,
        verdict: body.verdict,
        articleId: body.articleId,
        suggestionId: body.suggestionId,
      });
      services.knowledge?.resolutions?.refresh(principal.tenantId);
      // Every verdict is also part of the conversation's record (QA sees what the agent did).
      await services.eventLog.append(
        {
          tenantId: principal.tenantId,
          conversationId: conversation.id,
          agentId: conversation.agentId,
        },
        [
          {
            type: 'feedback',
            seq: conversation.lastSeq,
            feedback: {
              ...(body.suggestionId ? { suggestionId: body.suggestionId } : {}),
              kind: body.kind,
              verdict: body.verdict,
              ...(body.articleId ? { articleId: body.articleId } : {}),
              ...(article ? { articleTitle: article.title } : {}),
            },
          },
        ],
      );
      return { recorded: true, verdict: body.verdict };
    },
  );
}
