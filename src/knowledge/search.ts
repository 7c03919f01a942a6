import type { Queryable, SqlParam } from '../stores/database.js';
import type { EmbeddingModel } from '../providers/spec/embedding-model.js';
import { SEARCH_CONFIG, vectorLiteral, type WordSplitter } from './search-text.js';
import type { ArticleStatus } from './parse-document.js';
import { K1, termIdf, tfFactorSql } from './bm25.js';

/** Searches yield to live event writes on the embedded engine (docs/decisions/0004). */
const BACKGROUND = { priority: 'background' } as const;

/** A piece of the query with its importance (e.g. the customer's last turn weighs more). */
export interface QuerySegment {
  text: string;
  weight: number;
}

export interface SearchFilters {
  tags?: readonly string[];
  language?: string;
  /** Default: published only. */
  status?: readonly ArticleStatus[];
}

export interface SearchRequest {
  tenantId: string;
  /** Typed text, or weighted segments of a conversation. */
  query: string | readonly QuerySegment[];
  /** What to embed for the vector side; default: the query's last `maxEmbedWords` words. */
  vectorText?: string;
  /** A vector already computed for this query by the same embedder (bulk callers batch them). */
  queryVector?: Float32Array;
  filters?: SearchFilters;
  limit?: number;
  /** Record the search for knowledge-gap analysis. `query` is stored only for typed searches. */
  log?: { source: string; storeQueryText: boolean } | false;
  /** Let agent feedback nudge the ranking (default true). */
  useFeedback?: boolean;
  /** How the keyword and vector rankings are combined (default 'relative'). */
  fusion?: 'relative' | 'rrf';
  /** Share of the vector side in relative fusion (default VECTOR_WEIGHT). */
  vectorWeight?: number;
  /** Skip fetching passages/highlights (bulk evaluation). */
  passages?: boolean;
  /**
   * Postings read per query term, strongest first (default POSTINGS_PER_TERM); 'all' reads every
   * posting of every query term, the exact BM25 ranking (for measurements).
   */
  postingsPerTerm?: number | 'all';
}

export interface SearchResult {
  articleId: string;
  title: string;
  tags: string[];
  language: string;
  /** Fused rank score (reciprocal rank fusion), only comparable within one search. */
  score: number;
  /**
   * 0..1: how much of the query's single-word weight the best passage covers (word pairs that
   * match count as a bonus), blended with vector similarity.
   */
  confidence: number;
  keywordScore: number;
  vectorSimilarity: number | null;
  passage: string;
  /** Passage with matched words in <mark></mark>; everything else HTML-escaped. */
  highlighted: string;
  /** Query words found in the passage, as written in the article. */
  matchedTerms: string[];
}

export interface SearchOptions {
  db: Queryable;
  embedder: EmbeddingModel | null;
  splitter: WordSplitter;
}

export interface QueryTerm {
  term: string;
  weight: number;
}

const RRF_K = 60;
/**
 * Share of the vector side in relative-score fusion. Measured on long conversational queries
 * (ABCD dev, whole chats) with the offline 512-d encoder, hit@1: keyword-only 0.807; relative
 * fusion at 0.2 / 0.35 / 0.5: 0.811 / 0.821 / 0.821; RRF was below keyword-only (it weighs a weak
 * ranker as much as a strong one, while relative fusion lets a confident keyword match win).
 * With IDF_EMPHASIS and the opening prior, 0.45 was best on a tuning half of the chats (0.25 /
 * 0.35 / 0.45 / 0.55 tried) for both whole and early chats.
 */
const VECTOR_WEIGHT = 0.45;
const CANDIDATES = 100;
const MAX_EMBED_WORDS = 80;

/**
 * Turns weighted segments into weighted lexemes (Postgres does the stemming and stop words, so
 * queries and articles agree). Repeats count linearly (measured better than dampened counts on
 * long conversational queries: what the customer keeps coming back to is the topic); IDF keeps
 * frequent process words ("order", "account") from dominating.
 */
export async function analyzeQuery(
  db: Queryable,
  splitter: WordSplitter,
  query: string | readonly QuerySegment[],
): Promise<QueryTerm[]> {
  const segments =
    typeof query === 'string'
      ? [{ text: query, weight: 1 }]
      : query.filter((s) => s.weight > 0 && s.text.trim() !== '');
  if (segments.length === 0) return [];
  const { rows } = await db.query<{ ord: number; term: string; pos: number }>(
    `SELECT s.ord::int AS ord, t.lexeme AS term, p.pos::int AS pos
       FROM unnest($1::text[]) WITH ORDINALITY AS s(txt, ord), unnest(to_tsvector('${SEARCH_CONFIG}', s.txt)) t,
            unnest(t.positions) AS p(pos)
      ORDER BY s.ord, p.pos`,
    [segments.map((segment) => splitter.split(segment.text))],
    BACKGROUND,
  );
  // Single words and ordered word pairs, as the articles were indexed (see insertChunks).
  const raw = new Map<string, number>();
  const add = (term: string, weight: number) => raw.set(term, (raw.get(term) ?? 0) + weight);
  rows.forEach((row, index) => {
    const weight = segments[row.ord - 1]?.weight ?? 0;
    add(row.term, weight);
    const next = rows[index + 1];
    if (next && next.ord === row.ord && next.term !== row.term)
      add(`${row.term} ${next.term}`, weight);
  });
  return [...raw].map(([term, weight]) => ({ term, weight })).filter((t) => t.weight > 0);
}

interface Hit {
  chunk_id: number;
  article_id: string;
  score: number;
}

function filterSql(first: number): string {
  return `a.status = ANY($${first}::text[])
      AND ($${first + 1}::text[] IS NULL OR a.tags && $${first + 1}::text[])
      AND ($${first + 2}::text IS NULL OR a.language = $${first + 2}::text)`;
}

function filterParams(filters: SearchFilters | undefined): SqlParam[] {
  return [
    [...(filters?.status ?? ['published'])],
    filters?.tags && filters.tags.length > 0 ? [...filters.tags] : null,
    filters?.language ?? null,
  ];
}

/**
 * At most this many query terms are looked up, the heaviest by weight × idf. A whole chat has
 * hundreds of distinct words and pairs; on ABCD dev chats keeping 60 or more cost no hit@1
 * (20 cost 3 points), and each dropped term is one index range fewer to read.
 */
const MAX_QUERY_TERMS = 80;
/**
 * Postings read per query term, strongest (highest stored BM25 tf factor) first. Frequent words
 * of a large base have tens of thousands of postings, and all of them cost time while only the
 * strongest can lift a chunk into the top 100; a rare word's whole list is read. The bench
 * (`npm run bench:search`) reports recall@10 of this against reading every posting.
 */
export const POSTINGS_PER_TERM = 1000;

interface TermStatsRow {
  term: string | null;
  df: number | null;
  n: number;
  total: number;
}

/**
 * BM25 over the postings table, with per-query-term weights.
 *
 * Document frequencies and the tenant's chunk count and length come from tables that triggers
 * keep up to date (migration 0010), so a search reads one row per query term before it reads any
 * posting, keeps the terms that weigh most, and reads each one's postings in impact order through
 * the (tenant_id, term, impact) index. Counting them from the postings at query time read every
 * posting of every query term: 0.7-3 s a search at 100k chunks.
 */
async function keywordHits(
  db: Queryable,
  tenantId: string,
  terms: readonly QueryTerm[],
  filters: SearchFilters | undefined,
  postingsPerTerm: number | 'all',
): Promise<{ hits: Hit[]; maxScore: number }> {
  if (terms.length === 0) return { hits: [], maxScore: 0 };
  const { rows: stats } = await db.query<TermStatsRow>(
    `SELECT ts.term, ts.df::float8 AS df, s.chunks::float8 AS n, s.total_terms::float8 AS total
       FROM chunk_stats s LEFT JOIN term_stats ts ON ts.tenant_id = s.tenant_id AND ts.term = ANY($2::text[])
      WHERE s.tenant_id = $1`,
    [tenantId, terms.map((t) => t.term)],
    BACKGROUND,
  );
  const n = stats[0]?.n ?? 0;
  if (n <= 0) return { hits: [], maxScore: 0 };
  const averageLength = Math.max(1, (stats[0]?.total ?? 0) / n);
  const df = new Map(stats.flatMap((row) => (row.term === null ? [] : [[row.term, row.df ?? 0]])));
  // The best possible score: every single word of the query matched once (coverage's scale).
  let maxScore = 0;
  const weighted: { term: string; weight: number }[] = [];
  for (const { term, weight } of terms) {
    const frequency = df.get(term) ?? 0;
    const idfWeight = weight * termIdf(n, frequency);
    if (!term.includes(' ')) maxScore += idfWeight;
    if (frequency > 0) weighted.push({ term, weight: idfWeight });
  }
  if (weighted.length === 0) return { hits: [], maxScore: 0 };
  const kept =
    postingsPerTerm === 'all'
      ? weighted
      : weighted
          .sort((a, b) => b.weight - a.weight || a.term.localeCompare(b.term))
          .slice(0, MAX_QUERY_TERMS);
  const { rows } = await db.query<Hit>(
    `SELECT p.chunk_id, p.article_id,
            sum(q.weight * ${K1 + 1} * ${tfFactorSql('p.tf', 'p.term_count', '$4::float8')})::float8 AS score
       FROM unnest($2::text[], $3::float8[]) AS q(term, weight)
       CROSS JOIN LATERAL (
         SELECT ct.chunk_id, ct.tf, c.article_id, c.term_count
           FROM chunk_terms ct
           JOIN chunks c ON c.id = ct.chunk_id
           JOIN articles a ON a.tenant_id = c.tenant_id AND a.id = c.article_id
          WHERE ct.tenant_id = $1 AND ct.term = q.term AND ${filterSql(5)}
          ORDER BY ct.impact DESC
          LIMIT $8) p
      GROUP BY p.chunk_id, p.article_id
      ORDER BY score DESC, p.chunk_id LIMIT ${CANDIDATES}`,
    [
      tenantId,
      kept.map((t) => t.term),
      kept.map((t) => t.weight),
      averageLength,
      ...filterParams(filters),
      postingsPerTerm === 'all' ? null : Math.max(1, Math.floor(postingsPerTerm)),
    ],
    BACKGROUND,
  );
  return { hits: rows, maxScore: rows.length > 0 ? maxScore : 0 };
}

async function vectorHits(
  db: Queryable,
  tenantId: string,
  embedder: EmbeddingModel,
  vector: Float32Array,
  filters: SearchFilters | undefined,
): Promise<Hit[]> {
  const dims = embedder.dimensions;
  // Same expression and predicate as the partial HNSW index of this model.
  const { rows } = await db.query<Hit>(
    `SELECT c.id AS chunk_id, c.article_id, 1 - (c.embedding::vector(${dims}) <=> $2::vector(${dims})) AS score
       FROM chunks c JOIN articles a ON a.tenant_id = c.tenant_id AND a.id = c.article_id
      WHERE c.tenant_id = $1 AND c.embedding_model = $3 AND ${filterSql(4)}
      ORDER BY c.embedding::vector(${dims}) <=> $2::vector(${dims}) LIMIT ${CANDIDATES}`,
    [tenantId, vectorLiteral(vector), embedder.id, ...filterParams(filters)],
    BACKGROUND,
  );
  return rows;
}

/** Sum of 1 / (k + rank) over both rankings. */
function reciprocalRankFusion(
  keyword: Map<string, Hit>,
  vector: Map<string, Hit>,
): Map<string, number> {
  const fused = new Map<string, number>();
  for (const ranking of [keyword, vector]) {
    let rank = 0;
    for (const articleId of ranking.keys()) {
      rank++;
      fused.set(articleId, (fused.get(articleId) ?? 0) + 1 / (RRF_K + rank));
    }
  }
  return fused;
}

/**
 * Keyword score divided by the best keyword score, cosine divided by the best cosine, mixed
 * with VECTOR_WEIGHT. Both ratios ignore how deep the candidate lists go (min-max scaling over
 * a truncated list stretched tiny cosine differences into big ones and cost 7 points of hit@1).
 * Without vectors this is the keyword ranking itself.
 */
function relativeScoreFusion(
  keyword: Map<string, Hit>,
  vector: Map<string, Hit>,
  weight: number,
): Map<string, number> {
  const fused = new Map<string, number>();
  const maxKeyword = Math.max(0, ...[...keyword.values()].map((hit) => hit.score));
  const maxSim = Math.max(0, ...[...vector.values()].map((hit) => hit.score));
  const vectorWeight = vector.size > 0 && maxSim > 0 ? Math.min(1, Math.max(0, weight)) : 0;
  for (const [articleId, hit] of keyword)
    fused.set(articleId, maxKeyword > 0 ? ((1 - vectorWeight) * hit.score) / maxKeyword : 0);
  if (vectorWeight > 0) {
    for (const [articleId, hit] of vector)
      fused.set(
        articleId,
        (fused.get(articleId) ?? 0) + (vectorWeight * Math.max(0, hit.score)) / maxSim,
      );
  }
  return fused;
}

/** Exact best-chunk similarity of the given articles (a handful: no index needed). */
async function vectorScoresFor(
  db: Queryable,
  tenantId: string,
  embedder: EmbeddingModel,
  vector: Float32Array,
  articleIds: string[],
): Promise<Hit[]> {
  const dims = embedder.dimensions;
  const { rows } = await db.query<Hit>(
    `SELECT DISTINCT ON (c.article_id) c.id AS chunk_id, c.article_id, 1 - (c.embedding::vector(${dims}) <=> $2::vector(${dims})) AS score
       FROM chunks c
      WHERE c.tenant_id = $1 AND c.embedding_model = $3 AND c.article_id = ANY($4::text[])
      ORDER BY c.article_id, c.embedding::vector(${dims}) <=> $2::vector(${dims})`,
    [tenantId, vectorLiteral(vector), embedder.id, articleIds],
    BACKGROUND,
  );
  return rows.sort((a, b) => b.score - a.score);
}

/** Best passage per article, in rank order. */
function bestPerArticle(hits: readonly Hit[]): Map<string, Hit> {
  const best = new Map<string, Hit>();
  for (const hit of hits) if (!best.has(hit.article_id)) best.set(hit.article_id, hit);
  return best;
}

function lastWords(text: string, count: number): string {
  const words = text.trim().split(/\s+/);
  return words.length <= count ? text.trim() : words.slice(-count).join(' ');
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

// Private-use characters: ts_headline marks with them, then we escape the text and turn them
// into <mark> tags, so article text can never inject HTML into an agent's screen.
const OPEN = '\uE000';
const CLOSE = '\uE001';

export function renderHighlight(marked: string): {
  passage: string;
  highlighted: string;
  matched: string[];
} {
  const matched = new Set<string>();
  for (const match of marked.matchAll(new RegExp(`${OPEN}([^${CLOSE}]*)${CLOSE}`, 'g'))) {
    if (match[1]) matched.add(match[1].toLowerCase());
  }
  return {
    passage: marked.replaceAll(OPEN, '').replaceAll(CLOSE, ''),
    highlighted: escapeHtml(marked).replaceAll(OPEN, '<mark>').replaceAll(CLOSE, '</mark>'),
    matched: [...matched],
  };
}

/** Marks CJK query words by literal match: the Postgres parser sees a run of Han characters as one word. */
function markCjk(text: string, terms: readonly QueryTerm[]): string {
  const cjk = terms
    .map((t) => t.term)
    .filter((term) => !term.includes(' ') && /[\u3400-\u9fff\uac00-\ud7af]/.test(term))
    .sort((a, b) => b.length - a.length);
  if (cjk.length === 0) return text;
  const pattern = new RegExp(
    cjk.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  return text.replace(pattern, (word) => `${OPEN}${word}${CLOSE}`);
}

/** Cuts a long passage to a window around its first highlight (ts_headline cannot shorten CJK text). */
function excerpt(marked: string, maxChars: number): string {
  if (marked.length <= maxChars) return marked;
  const first = marked.indexOf(OPEN);
  const start = first < 0 ? 0 : Math.max(0, first - Math.floor(maxChars / 4));
  let window = marked.slice(start, start + maxChars);
  // Never leave a mark open.
  if (window.lastIndexOf(OPEN) > window.lastIndexOf(CLOSE))
    window = window.slice(0, window.lastIndexOf(OPEN));
  return `${start > 0 ? '… ' : ''}${window}${start + maxChars < marked.length ? ' …' : ''}`;
}

/**
 * Hybrid search: BM25 keyword scores and vector (cosine) scores fused at the article level (an
 * article ranks by its best passage), by relative-score fusion (default) or reciprocal rank
 * fusion, then nudged by agent feedback.
 */
export async function searchKnowledge(
  options: SearchOptions,
  request: SearchRequest,
): Promise<SearchResult[]> {
  const { db, embedder, splitter } = options;
  const limit = request.limit ?? 5;
  const terms = await analyzeQuery(db, splitter, request.query);
  const keyword = await keywordHits(
    db,
    request.tenantId,
    terms,
    request.filters,
    request.postingsPerTerm ?? POSTINGS_PER_TERM,
  );

  const fullText =
    typeof request.query === 'string' ? request.query : request.query.map((s) => s.text).join(' ');
  const vectorText = request.vectorText ?? lastWords(fullText, MAX_EMBED_WORDS);
  let vector: Hit[] = [];
  const language = request.filters?.language;
  const languageOk =
    embedder !== null &&
    (embedder.languages === 'any' ||
      language === undefined ||
      embedder.languages.includes(language));
  // A query in a script the encoder was not trained on would only add noise.
  if (
    embedder &&
    languageOk &&
    vectorText.trim() !== '' &&
    (embedder.languages === 'any' || !/[\u3400-\u9fff]/.test(vectorText))
  ) {
    const embedding = request.queryVector ?? (await embedder.embed([vectorText]))[0];
    if (embedding) {
      vector = await vectorHits(db, request.tenantId, embedder, embedding, request.filters);
      // Keyword candidates the nearest-neighbour list missed still get their real similarity:
      // a missing vector score would count as zero and sink a strong keyword match.
      const found = new Set(vector.map((hit) => hit.article_id));
      const missing = [...new Set(keyword.hits.map((hit) => hit.article_id))].filter(
        (id) => !found.has(id),
      );
      if (missing.length > 0)
        vector = [
          ...vector,
          ...(await vectorScoresFor(db, request.tenantId, embedder, embedding, missing)),
        ];
    }
  }

  const keywordBest = bestPerArticle(keyword.hits);
  const vectorBest = bestPerArticle(vector);
  const fused =
    request.fusion === 'rrf'
      ? reciprocalRankFusion(keywordBest, vectorBest)
      : relativeScoreFusion(keywordBest, vectorBest, request.vectorWeight ?? VECTOR_WEIGHT);
  if (fused.size === 0) {
    await logSearch(db, request, terms, null, 0, 0);
    return [];
  }
  if (request.useFeedback !== false) await applyFeedback(db, request.tenantId, fused);

  const ranked = [...fused].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
  const results: SearchResult[] = ranked.map(([articleId, score]) => {
    const keywordHit = keywordBest.get(articleId);
    const vectorHit = vectorBest.get(articleId);
    const coverage =
      keywordHit && keyword.maxScore > 0 ? Math.min(1, keywordHit.score / keyword.maxScore) : 0;
    const similarity = vectorHit ? vectorHit.score : null;
    return {
      articleId,
      title: '',
      tags: [],
      language: '',
      score,
      confidence:
        similarity === null
          ? coverage
          : Math.max(coverage, 0.5 * coverage + 0.5 * Math.max(0, similarity)),
      keywordScore: keywordHit?.score ?? 0,
      vectorSimilarity: similarity,
      passage: '',
      highlighted: '',
      matchedTerms: [],
    };
  });
  await fillDetails(db, request, terms, results, keywordBest, vectorBest);
  const top = results[0];
  await logSearch(db, request, terms, top?.articleId ?? null, top?.confidence ?? 0, results.length);
  return results;
}

async function fillDetails(
  db: Queryable,
  request: SearchRequest,
  terms: readonly QueryTerm[],
  results: SearchResult[],
  keywordBest: Map<string, Hit>,
  vectorBest: Map<string, Hit>,
): Promise<void> {
  // The passage shown is the best keyword passage (it contains the words), else the best vector one.
  const chunkIds = results.map(
    (r) => (keywordBest.get(r.articleId) ?? vectorBest.get(r.articleId))!.chunk_id,
  );
  const topTerms = [...terms]
    .filter((t) => !t.term.includes(' '))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 40)
    .map((t) => `'${t.term.replace(/'/g, "''")}'`);
  const tsquery = topTerms.join(' | ');
  const withPassages = request.passages !== false;
  const { rows } = await db.query<{
    chunk_id: number;
    title: string;
    tags: string[];
    language: string;
    marked: string;
  }>(
    `SELECT c.id AS chunk_id, a.title, a.tags, a.language,
            CASE WHEN $2 THEN
              CASE WHEN $3 = '' THEN left(c.text, 300)
                   ELSE ts_headline('${SEARCH_CONFIG}', c.text, $3::tsquery,
                          'StartSel=${OPEN}, StopSel=${CLOSE}, MaxWords=45, MinWords=20, MaxFragments=2, FragmentDelimiter=" … "') END
            ELSE '' END AS marked
       FROM chunks c JOIN articles a ON a.tenant_id = c.tenant_id AND a.id = c.article_id
      WHERE c.id = ANY($1::bigint[])`,
    [chunkIds, withPassages, tsquery],
    BACKGROUND,
  );
  const byChunk = new Map(rows.map((row) => [row.chunk_id, row]));
  results.forEach((result, index) => {
    const row = byChunk.get(chunkIds[index]!);
    if (!row) return;
    result.title = row.title;
    result.tags = row.tags;
    result.language = row.language;
    if (withPassages) {
      const rendered = renderHighlight(excerpt(markCjk(row.marked, terms), 400));
      result.passage = rendered.passage;
      result.highlighted = rendered.highlighted;
      result.matchedTerms = rendered.matched;
    }
  });
}

/**
 * Feedback nudges, never overrides: an article agents marked helpful gains up to +15 %, one
 * marked unhelpful or dismissed loses up to 15 %, smoothed so that one click moves little.
 */
export async function applyFeedback(
  db: Queryable,
  tenantId: string,
  fused: Map<string, number>,
): Promise<void> {
  const { rows } = await db.query<{ article_id: string; net: number }>(
    `SELECT article_id,
            sum(CASE kind WHEN 'helpful' THEN 1 WHEN 'used' THEN 0.5 WHEN 'not_helpful' THEN -1 WHEN 'dismissed' THEN -0.25 ELSE 0 END)::float8 AS net
       FROM article_feedback WHERE tenant_id = $1 AND article_id = ANY($2::text[]) GROUP BY article_id`,
    [tenantId, [...fused.keys()]],
    BACKGROUND,
  );
  for (const row of rows) {
    const factor = 1 + 0.15 * Math.tanh(row.net / 4);
    fused.set(row.article_id, fused.get(row.article_id)! * factor);
  }
}

async function logSearch(
  db: Queryable,
  request: SearchRequest,
  terms: readonly QueryTerm[],
  topArticleId: string | null,
  topScore: number,
  count: number,
): Promise<void> {
  if (request.log === false) return;
  const log = request.log ?? {
    source: 'search',
    storeQueryText: typeof request.query === 'string',
  };
  const topTerms = [...terms]
    .filter((t) => !t.term.includes(' '))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 8)
    .map((t) => t.term);
  await db.query(
    `INSERT INTO search_log (tenant_id, source, query, terms, top_article_id, top_score, result_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      request.tenantId,
      log.source,
      log.storeQueryText && typeof request.query === 'string' ? request.query.slice(0, 300) : null,
      topTerms,
      topArticleId,
      topScore,
      count,
    ],
    BACKGROUND,
  );
}
