import type { Queryable } from '../stores/database.js';
import { CuecardError } from '../errors/cuecard-error.js';

export type FeedbackKind = 'used' | 'helpful' | 'not_helpful' | 'dismissed';
const kinds: readonly FeedbackKind[] = ['used', 'helpful', 'not_helpful', 'dismissed'];

/** What a verdict is about: a suggestion of one of these kinds, or an article found by search. */
export type FeedbackTarget = 'article' | 'next-step' | 'reply' | 'answer' | 'similar-case';

/**
 * The body of `POST /api/feedback`, as the consoles send it. A suggestion is named by its id; an
 * article an agent found by typed search (or opened in full) has no suggestion, so article
 * feedback may name only the article.
 */
export interface FeedbackRequest {
  conversationId: string;
  kind: FeedbackTarget;
  verdict: FeedbackKind;
  suggestionId?: string | undefined;
  articleId?: string | undefined;
}

/** The field a feedback request lacks, if any: a suggestion id, or for article feedback the article. */
export function missingFeedbackField(
  request: FeedbackRequest,
): 'articleId' | 'suggestionId' | null {
  if (request.kind === 'article') return request.articleId ? null : 'articleId';
  return request.suggestionId ? null : 'suggestionId';
}

export interface FeedbackInput {
  tenantId: string;
  articleId: string;
  kind: FeedbackKind;
  agentId: string | null;
  conversationId: string | null;
  suggestionId?: string | null;
}

/** Records what an agent did with a card; search reads it back as a ranking nudge. */
export async function recordFeedback(db: Queryable, input: FeedbackInput): Promise<void> {
  if (!kinds.includes(input.kind)) {
    throw new CuecardError(
      'validation_failed',
      `feedback kind must be one of ${kinds.join(', ')}`,
      { field: 'kind' },
    );
  }
  const { rows } = await db.query<{ ok: number }>(
    'SELECT 1 AS ok FROM articles WHERE tenant_id = $1 AND id = $2',
    [input.tenantId, input.articleId],
  );
  if (rows.length === 0)
    throw new CuecardError('not_found', `No article "${input.articleId}" in this tenant`, {
      field: 'articleId',
    });
  await db.query(
    `INSERT INTO article_feedback (tenant_id, article_id, kind, agent_id, conversation_id, suggestion_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      input.tenantId,
      input.articleId,
      input.kind,
      input.agentId,
      input.conversationId,
      input.suggestionId ?? null,
    ],
  );
}

export interface FeedbackSummary {
  articleId: string;
  used: number;
  helpful: number;
  notHelpful: number;
  dismissed: number;
}

export async function feedbackSummary(db: Queryable, tenantId: string): Promise<FeedbackSummary[]> {
  const { rows } = await db.query<{
    article_id: string;
    used: number;
    helpful: number;
    not_helpful: number;
    dismissed: number;
  }>(
    `SELECT article_id,
            count(*) FILTER (WHERE kind = 'used')::int AS used,
            count(*) FILTER (WHERE kind = 'helpful')::int AS helpful,
            count(*) FILTER (WHERE kind = 'not_helpful')::int AS not_helpful,
            count(*) FILTER (WHERE kind = 'dismissed')::int AS dismissed
       FROM article_feedback WHERE tenant_id = $1 GROUP BY article_id ORDER BY article_id`,
    [tenantId],
  );
  return rows.map((r) => ({
    articleId: r.article_id,
    used: r.used,
    helpful: r.helpful,
    notHelpful: r.not_helpful,
    dismissed: r.dismissed,
  }));
}

export interface KnowledgeGap {
  /** The words that define the topic, most frequent first (stemmed lexemes). */
  terms: string[];
  count: number;
  /** Typed queries when stored, else the keyword list of a search. */
  examples: string[];
  lastSeen: string;
}

export interface GapQuery {
  tenantId: string;
  /** A search is weak when its best confidence is below this (default 0.3). */
  maxScore?: number;
  sinceDays?: number;
  limit?: number;
  /**
   * Redacts the example queries shown: searches logged before queries were redacted at logging
   * time still hold them raw.
   */
  redact?: (text: string) => Promise<string> | string;
}

/**
 * Weak searches grouped by topic: searches are joined when they share two keywords (or one,
 * when either has a single keyword), single-link, so "pet insurance claim" and "insurance for
 * my pet" form one gap. The biggest groups are the articles worth writing next.
 */
export async function knowledgeGaps(db: Queryable, query: GapQuery): Promise<KnowledgeGap[]> {
  const { rows } = await db.query<{
    query: string | null;
    terms: string[];
    created_at: Date | string;
  }>(
    `SELECT query, terms, created_at FROM search_log
      WHERE tenant_id = $1 AND top_score < $2 AND created_at > now() - make_interval(days => $3)
        AND cardinality(terms) > 0
      ORDER BY created_at DESC LIMIT 5000`,
    [query.tenantId, query.maxScore ?? 0.3, query.sinceDays ?? 30],
  );
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const byTerm = new Map<string, number[]>();
  rows.forEach((row, i) =>
    row.terms.forEach((term) => byTerm.set(term, [...(byTerm.get(term) ?? []), i])),
  );
  for (let i = 0; i < rows.length; i++) {
    const shared = new Map<number, number>();
    for (const term of rows[i]!.terms)
      for (const j of byTerm.get(term)!) if (j > i) shared.set(j, (shared.get(j) ?? 0) + 1);
    for (const [j, count] of shared) {
      const needed = Math.min(2, rows[i]!.terms.length, rows[j]!.terms.length);
      if (count >= needed) parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, number[]>();
  rows.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  const gaps: KnowledgeGap[] = [...groups.values()].map((members) => {
    const termCounts = new Map<string, number>();
    for (const i of members)
      for (const term of rows[i]!.terms) termCounts.set(term, (termCounts.get(term) ?? 0) + 1);
    const terms = [...termCounts]
      .filter(([, n]) => n >= Math.max(1, members.length / 2))
      .sort((a, b) => b[1] - a[1])
      .map(([term]) => term)
      .slice(0, 5);
    const examples = [
      ...new Set(members.map((i) => rows[i]!.query ?? rows[i]!.terms.join(' '))),
    ].slice(0, 3);
    const lastSeen = new Date(rows[members[0]!]!.created_at).toISOString();
    return { terms, count: members.length, examples, lastSeen };
  });
  const top = gaps
    .sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen))
    .slice(0, query.limit ?? 20);
  const redact = query.redact;
  if (!redact) return top;
  for (const gap of top) gap.examples = await Promise.all(gap.examples.map((text) => redact(text)));
  return top;
}
