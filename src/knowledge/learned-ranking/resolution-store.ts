import type { Queryable } from '../../stores/database.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import type { ResolvedConversation } from './resolution-ranker.js';
import type { FeedbackKind, FeedbackTarget } from '../feedback.js';

/** What an agent's verdict on a suggestion says about the articles that resolved a conversation. */
export interface ResolutionFeedback {
  tenantId: string;
  conversationId: string;
  kind: FeedbackTarget;
  verdict: FeedbackKind;
  articleId?: string | undefined;
  suggestionId?: string | undefined;
}

/**
 * Evidence weights. A card marked helpful is the agent saying so; a card used (opened, copied,
 * inserted) or an article cited by a reply the agent sent is an action that usually means the
 * same. A card marked not helpful cancels a vote; a dismissal says only "not now".
 */
const WEIGHTS = { helpful: 1, used: 0.6, cited: 0.6, notHelpful: -1, imported: 1 } as const;

/**
 * Stores what a verdict says: an article card marked helpful or used, or the articles a used or
 * helpful reply cited. Repeating a verdict changes nothing; a later "not helpful" on the same
 * card outweighs an earlier "used".
 */
export async function recordResolutionFeedback(
  db: Queryable,
  feedback: ResolutionFeedback,
): Promise<void> {
  const rows: { articleId: string; source: string; weight: number }[] = [];
  if (feedback.kind === 'article' && feedback.articleId) {
    if (feedback.verdict === 'helpful')
      rows.push({ articleId: feedback.articleId, source: 'helpful', weight: WEIGHTS.helpful });
    if (feedback.verdict === 'used')
      rows.push({ articleId: feedback.articleId, source: 'used', weight: WEIGHTS.used });
    if (feedback.verdict === 'not_helpful')
      rows.push({ articleId: feedback.articleId, source: 'helpful', weight: WEIGHTS.notHelpful });
  }
  // An answer cites its articles as a reply does: using it is using them.
  if (
    (feedback.kind === 'reply' || feedback.kind === 'answer') &&
    feedback.suggestionId &&
    (feedback.verdict === 'used' || feedback.verdict === 'helpful')
  ) {
    for (const articleId of await citedArticles(db, feedback))
      rows.push({ articleId, source: 'cited', weight: WEIGHTS.cited });
  }
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO resolution_evidence (tenant_id, conversation_id, article_id, source, weight)
     SELECT $1, $2, r.article_id, r.source, r.weight
       FROM unnest($3::text[], $4::text[], $5::float8[]) AS r(article_id, source, weight)
     ON CONFLICT (tenant_id, conversation_id, article_id, source)
       DO UPDATE SET weight = excluded.weight, created_at = now()`,
    [
      feedback.tenantId,
      feedback.conversationId,
      rows.map((r) => r.articleId),
      rows.map((r) => r.source),
      rows.map((r) => r.weight),
    ],
  );
}

/** The articles a suggested reply or answer cited, from its own event. */
async function citedArticles(db: Queryable, feedback: ResolutionFeedback): Promise<string[]> {
  const { rows } = await db.query<{ article_id: string }>(
    `SELECT DISTINCT c ->> 'articleId' AS article_id
       FROM events e, jsonb_array_elements(e.payload -> 'suggestion' -> 'citations') c
      WHERE e.tenant_id = $1 AND e.conversation_id = $2 AND e.type IN ('suggestion', 'reply-end')
        AND e.payload -> 'suggestion' ->> 'suggestionId' = $3
        AND jsonb_typeof(e.payload -> 'suggestion' -> 'citations') = 'array'`,
    [feedback.tenantId, feedback.conversationId, feedback.suggestionId ?? null],
  );
  return rows.map((row) => row.article_id).filter((id) => typeof id === 'string');
}

/** A past conversation and the articles that resolved it, as a tenant imports its history. */
export interface ImportedResolution {
  id: string;
  text: string;
  articleIds: readonly string[];
}

/**
 * Imports past resolved conversations (replacing any imported before under the same ids). Their
 * text is stored as given: redact it before, as the live path does.
 */
export async function importResolutions(
  db: Queryable,
  tenantId: string,
  resolutions: readonly ImportedResolution[],
): Promise<void> {
  const valid = resolutions.filter((r) => r.text.trim() !== '' && r.articleIds.length > 0);
  if (valid.length === 0) return;
  const ids = valid.map((r) => r.id);
  if (new Set(ids).size !== ids.length)
    throw new CuecardError('validation_failed', 'Imported resolutions repeat an id', {
      field: 'id',
    });
  // One statement per table: the evidence trigger then bumps the tenant's ranker once.
  await db.query(
    `INSERT INTO resolution_imports (tenant_id, id, text)
     SELECT $1, i.id, i.text FROM unnest($2::text[], $3::text[]) AS i(id, text)
     ON CONFLICT (tenant_id, id) DO UPDATE SET text = excluded.text, created_at = now()`,
    [tenantId, ids, valid.map((r) => r.text)],
  );
  const pairs = valid.flatMap((r) => [...new Set(r.articleIds)].map((a) => [r.id, a] as const));
  await db.query(
    `INSERT INTO resolution_evidence (tenant_id, conversation_id, article_id, source, weight)
     SELECT $1, p.conversation_id, p.article_id, 'imported', $4
       FROM unnest($2::text[], $3::text[]) AS p(conversation_id, article_id)
     ON CONFLICT (tenant_id, conversation_id, article_id, source)
       DO UPDATE SET weight = excluded.weight, created_at = now()`,
    [tenantId, pairs.map((p) => p[0]), pairs.map((p) => p[1]), WEIGHTS.imported],
  );
}

/** How much a tenant's ranker learns from, newest first. */
const MAX_TRAINING_CONVERSATIONS = 20_000;

/**
 * The tenant's resolved conversations with their net evidence per article (articles whose
 * evidence nets to zero or less are left out), newest first. Live conversations read their
 * utterances; imported ones their imported text. Articles since retired or deleted still count:
 * search only ranks what it finds, so their votes are simply never used.
 */
export async function loadResolvedConversations(
  db: Queryable,
  tenantId: string,
  limit = MAX_TRAINING_CONVERSATIONS,
): Promise<ResolvedConversation[]> {
  const { rows } = await db.query<{
    conversation_id: string;
    articles: string[];
    weights: number[];
    text: string | null;
  }>(
    `WITH net AS (
       SELECT conversation_id, article_id, sum(weight)::float8 AS weight, max(created_at) AS at
         FROM resolution_evidence WHERE tenant_id = $1
        GROUP BY conversation_id, article_id HAVING sum(weight) > 0
     ), recent AS (
       SELECT conversation_id, array_agg(article_id ORDER BY article_id) AS articles,
              array_agg(weight ORDER BY article_id) AS weights, max(at) AS at
         FROM net GROUP BY conversation_id ORDER BY max(at) DESC LIMIT $2
     )
     SELECT r.conversation_id, r.articles, r.weights,
            coalesce(
              (SELECT i.text FROM resolution_imports i WHERE i.tenant_id = $1 AND i.id = r.conversation_id),
              (SELECT string_agg(ci.text, E'\\n' ORDER BY ci.seq) FROM conversation_items ci
                WHERE ci.conversation_id = r.conversation_id AND ci.tenant_id = $1 AND ci.kind = 'utterance')
            ) AS text
       FROM recent r ORDER BY r.at DESC, r.conversation_id`,
    [tenantId, limit],
  );
  return rows
    .filter((row) => row.text !== null && row.text.trim() !== '')
    .map((row) => ({
      id: row.conversation_id,
      text: row.text!,
      articles: new Map(row.articles.map((articleId, i) => [articleId, Number(row.weights[i])])),
    }));
}
