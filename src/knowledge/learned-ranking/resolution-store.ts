import type { Queryable } from '../../stores/database.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import type { CodeConfirmation, ResolvedConversation } from './resolution-ranker.js';
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
  /** The wrap-up code it was closed with, if known. */
  code?: string | undefined;
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
  const valid = resolutions.filter(
    (r) => r.text.trim() !== '' && (r.articleIds.length > 0 || !!r.code),
  );
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
  const coded = valid.filter((r) => !!r.code);
  if (coded.length > 0)
    await db.query(
      `INSERT INTO resolution_codes (tenant_id, conversation_id, code)
       SELECT $1, c.conversation_id, c.code FROM unnest($2::text[], $3::text[]) AS c(conversation_id, code)
       ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET code = excluded.code, confirmed_at = now()`,
      [tenantId, coded.map((r) => r.id), coded.map((r) => r.code!)],
    );
}

/**
 * The wrap-up code an agent or QA confirmed or corrected for a conversation: from now on it
 * labels the conversation's text for the tenant's ranker. Runs in the confirmation's transaction.
 */
export async function recordResolutionCode(
  db: Queryable,
  confirmation: { tenantId: string; conversationId: string; code: string },
): Promise<void> {
  await db.query(
    `INSERT INTO resolution_codes (tenant_id, conversation_id, code) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET code = excluded.code, confirmed_at = now()`,
    [confirmation.tenantId, confirmation.conversationId, confirmation.code],
  );
}

/** Where a tenant's evidence stands, read before training so later changes are seen after. */
export interface ResolutionMark {
  /** Count and newest write of article evidence: any change there needs a refit. */
  evidence: string;
  /** Confirmed codes stored. */
  codes: number;
  /** The database's clock when read. */
  at: Date;
}

export async function resolutionMark(db: Queryable, tenantId: string): Promise<ResolutionMark> {
  const { rows } = await db.query<{ evidence: string; codes: number; at: Date | string }>(
    `SELECT (SELECT count(*) || ':' || coalesce(max(created_at)::text, '')
               FROM resolution_evidence WHERE tenant_id = $1) AS evidence,
            (SELECT count(*)::int FROM resolution_codes WHERE tenant_id = $1) AS codes,
            now() AS at`,
    [tenantId],
  );
  const row = rows[0]!;
  return { evidence: row.evidence, codes: row.codes, at: new Date(row.at) };
}

/**
 * Codes confirmed or corrected since `since`, each with its conversation's text. Applying one
 * twice changes nothing, so callers may overlap the window (a transaction that began before
 * `since` may commit after it).
 */
export async function codeConfirmationsSince(
  db: Queryable,
  tenantId: string,
  since: Date,
): Promise<CodeConfirmation[]> {
  const { rows } = await db.query<{ conversation_id: string; code: string; text: string | null }>(
    `SELECT r.conversation_id, r.code, ${conversationText('r.conversation_id')} AS text
       FROM resolution_codes r WHERE r.tenant_id = $1 AND r.confirmed_at >= $2
      ORDER BY r.confirmed_at, r.conversation_id`,
    [tenantId, since.toISOString()],
  );
  return rows.map((row) => ({ id: row.conversation_id, code: row.code, text: row.text }));
}

/** A conversation's text: its imported text, else its stored (redacted) utterances. */
const conversationText = (id: string) => `coalesce(
  (SELECT i.text FROM resolution_imports i WHERE i.tenant_id = $1 AND i.id = ${id}),
  (SELECT string_agg(ci.text, E'\\n' ORDER BY ci.seq) FROM conversation_items ci
    WHERE ci.conversation_id = ${id} AND ci.tenant_id = $1 AND ci.kind = 'utterance'))`;

/** How much a tenant's ranker learns from, newest first. */
const MAX_TRAINING_CONVERSATIONS = 20_000;

/**
 * The tenant's resolved conversations with their net evidence per article (articles whose
 * evidence nets to zero or less are left out), and its conversations with a confirmed code,
 * newest first (up to `limit` of each). Live conversations read their utterances; imported ones
 * their imported text. Articles since retired or deleted still count: search only ranks what it
 * finds, so their votes are simply never used.
 */
export async function loadResolvedConversations(
  db: Queryable,
  tenantId: string,
  limit = MAX_TRAINING_CONVERSATIONS,
): Promise<ResolvedConversation[]> {
  const { rows } = await db.query<{
    conversation_id: string;
    articles: string[] | null;
    weights: number[] | null;
    code: string | null;
    text: string | null;
  }>(
    `WITH net AS (
       SELECT conversation_id, article_id, sum(weight)::float8 AS weight, max(created_at) AS at
         FROM resolution_evidence WHERE tenant_id = $1
        GROUP BY conversation_id, article_id HAVING sum(weight) > 0
     ), resolved AS (
       SELECT conversation_id, array_agg(article_id ORDER BY article_id) AS articles,
              array_agg(weight ORDER BY article_id) AS weights, max(at) AS at
         FROM net GROUP BY conversation_id ORDER BY max(at) DESC LIMIT $2
     ), coded AS (
       -- Coded conversations without evidence are bounded apart: every call gets a code, and
       -- they must not crowd the resolved ones out.
       SELECT c.conversation_id, c.code, c.confirmed_at AS at FROM resolution_codes c
        WHERE c.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM resolved r WHERE r.conversation_id = c.conversation_id)
        ORDER BY c.confirmed_at DESC LIMIT $2
     ), recent AS (
       SELECT r.conversation_id, r.articles, r.weights, c.code, r.at FROM resolved r
         LEFT JOIN resolution_codes c ON c.tenant_id = $1 AND c.conversation_id = r.conversation_id
       UNION ALL
       SELECT conversation_id, NULL, NULL, code, at FROM coded
     )
     SELECT r.conversation_id, r.articles, r.weights, r.code,
            ${conversationText('r.conversation_id')} AS text
       FROM recent r ORDER BY r.at DESC, r.conversation_id`,
    [tenantId, limit],
  );
  return rows
    .filter((row) => row.text !== null && row.text.trim() !== '')
    .map((row) => ({
      id: row.conversation_id,
      text: row.text!,
      articles: new Map(
        (row.articles ?? []).map((articleId, i) => [articleId, Number(row.weights![i])]),
      ),
      ...(row.code ? { code: row.code } : {}),
    }));
}
