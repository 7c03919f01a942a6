import type { Queryable, SqlParam } from '../stores/database.js';
import type { EmbeddingModel } from '../providers/spec/embedding-model.js';
import { vectorLiteral } from './search-text.js';
import type { ArticleStatus } from './parse-document.js';
import { K1, termIdf, tfFactorSql } from './bm25.js';
import { fallbackCandidates, withCharacterFallback } from './han-characters.js';

/**
 * The two candidate lists of a hybrid search, read from Postgres: BM25 over the postings table
 * and nearest chunks by cosine through the HNSW index, both with the same article filters.
 * `search.ts` fuses them; nothing here knows about fusion or feedback.
 */

/** Searches yield to live event writes on the embedded engine (docs/decisions/0004). */
export const BACKGROUND = { priority: 'background' } as const;

export interface SearchFilters {
  tags?: readonly string[];
  language?: string;
  /** Default: published only. */
  status?: readonly ArticleStatus[];
}

export interface QueryTerm {
  term: string;
  weight: number;
  /** A character read for this unknown Chinese word: adds score, not to the best possible one. */
  partOf?: string;
}

/** Candidates each side returns (chunks, before fusing at the article level). */
export const CANDIDATES = 100;
/** Candidates a capped keyword read takes before their exact scores pick the best CANDIDATES. */
const RESCORED_CANDIDATES = 300;

export interface Hit {
  chunk_id: number;
  article_id: string;
  score: number;
}

export function filterSql(first: number): string {
  return `a.status = ANY($${first}::text[])
      AND ($${first + 1}::text[] IS NULL OR a.tags && $${first + 1}::text[])
      AND ($${first + 2}::text IS NULL OR a.language = $${first + 2}::text)`;
}

export function filterParams(filters: SearchFilters | undefined): SqlParam[] {
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

export interface KeywordHits {
  hits: Hit[];
  maxScore: number;
  /** The terms scored: the query's, with unknown Chinese words read by their characters. */
  terms: readonly QueryTerm[];
}

interface TermStatsRow {
  term: string | null;
  df: number | null;
  n: number;
  total: number;
}

/**
 * BM25 over the postings table, with per-query-term weights. A Chinese word no article uses is
 * read by its characters (han-characters.ts), looked up with the same statistics row read.
 *
 * Document frequencies and the tenant's chunk count and length come from tables that triggers
 * keep up to date (migration 0010), so a search reads one row per query term before it reads any
 * posting, keeps the terms that weigh most, and reads each one's postings in impact order through
 * the (tenant_id, term, impact) index. Counting them from the postings at query time read every
 * posting of every query term: 0.7-3 s a search at 100k chunks.
 */
export async function keywordHits(
  db: Queryable,
  tenantId: string,
  queryTerms: readonly QueryTerm[],
  filters: SearchFilters | undefined,
  postingsPerTerm: number | 'all',
): Promise<KeywordHits> {
  let terms: readonly QueryTerm[] = queryTerms;
  if (terms.length === 0) return { hits: [], maxScore: 0, terms };
  const candidates = fallbackCandidates(queryTerms);
  const { rows: stats } = await db.query<TermStatsRow>(
    `SELECT ts.term, ts.df::float8 AS df, s.chunks::float8 AS n, s.total_terms::float8 AS total
       FROM chunk_stats s LEFT JOIN term_stats ts ON ts.tenant_id = s.tenant_id AND ts.term = ANY($2::text[])
      WHERE s.tenant_id = $1`,
    [tenantId, [...queryTerms.map((t) => t.term), ...candidates]],
    BACKGROUND,
  );
  const n = stats[0]?.n ?? 0;
  if (n <= 0) return { hits: [], maxScore: 0, terms };
  const averageLength = Math.max(1, (stats[0]?.total ?? 0) / n);
  const df = new Map(stats.flatMap((row) => (row.term === null ? [] : [[row.term, row.df ?? 0]])));
  terms = withCharacterFallback(queryTerms, df);
  // The best possible score: every single word of the query matched once (coverage's scale).
  let maxScore = 0;
  const weighted: { term: string; weight: number }[] = [];
  for (const { term, weight, partOf } of terms) {
    const frequency = df.get(term) ?? 0;
    const idfWeight = weight * termIdf(n, frequency);
    if (!term.includes(' ') && partOf === undefined) maxScore += idfWeight;
    if (frequency > 0) weighted.push({ term, weight: idfWeight });
  }
  if (weighted.length === 0) return { hits: [], maxScore: 0, terms };
  const kept =
    postingsPerTerm === 'all'
      ? weighted
      : weighted
          .sort((a, b) => b.weight - a.weight || a.term.localeCompare(b.term))
          .slice(0, MAX_QUERY_TERMS);
  const cap = postingsPerTerm === 'all' ? null : Math.max(1, Math.floor(postingsPerTerm));
  // A term with more postings than the cap is read only in part, so a chunk's sum over it may miss
  // the chunk's weaker matches: a partial score. Then more candidates are read, and each one's
  // postings of those terms alone are looked up by primary key (chunk, term); the other terms
  // were read whole, so their share of the sum ("settled") is already exact.
  const cut = kept.map((t) => cap !== null && (df.get(t.term) ?? 0) > cap);
  const truncated = cut.some(Boolean);
  const contribution = `q.weight * ${K1 + 1} * ${tfFactorSql('p.tf', 'p.term_count', '$4::float8')}`;
  // Without a cut term (every base below the cap, e.g. the demo's) the statement is the plain
  // one: no settled share to compute, no extra parameter, the same plan as before the re-read.
  const { rows } = await db.query<Hit & { settled?: number }>(
    `SELECT p.chunk_id, p.article_id, sum(${contribution})::float8 AS score
            ${truncated ? `, sum(CASE WHEN q.cut THEN 0 ELSE ${contribution} END)::float8 AS settled` : ''}
       FROM ${truncated ? 'unnest($2::text[], $3::float8[], $9::bool[]) AS q(term, weight, cut)' : 'unnest($2::text[], $3::float8[]) AS q(term, weight)'}
       CROSS JOIN LATERAL (
         SELECT ct.chunk_id, ct.tf, c.article_id, c.term_count
           FROM chunk_terms ct
           JOIN chunks c ON c.id = ct.chunk_id
           JOIN articles a ON a.tenant_id = c.tenant_id AND a.id = c.article_id
          WHERE ct.tenant_id = $1 AND ct.term = q.term AND ${filterSql(5)}
          ORDER BY ct.impact DESC
          LIMIT $8) p
      GROUP BY p.chunk_id, p.article_id
      ORDER BY score DESC, p.chunk_id LIMIT ${truncated ? RESCORED_CANDIDATES : CANDIDATES}`,
    [
      tenantId,
      kept.map((t) => t.term),
      kept.map((t) => t.weight),
      averageLength,
      ...filterParams(filters),
      cap,
      ...(truncated ? [cut] : []),
    ],
    BACKGROUND,
  );
  // Rows of the plain statement are hits as they are; only a cut read carries the settled share.
  if (!truncated || rows.length === 0)
    return { hits: rows, maxScore: rows.length > 0 ? maxScore : 0, terms };
  const cutTerms = kept.filter((_, i) => cut[i]);
  const { rows: rest } = await db.query<{ chunk_id: number; score: number }>(
    `SELECT ct.chunk_id, sum(q.weight * ${K1 + 1} * ${tfFactorSql('ct.tf', 'c.term_count', '$4::float8')})::float8 AS score
       FROM unnest($2::text[], $3::float8[]) AS q(term, weight)
       JOIN chunk_terms ct ON ct.chunk_id = ANY($1::bigint[]) AND ct.term = q.term
       JOIN chunks c ON c.id = ct.chunk_id
      GROUP BY ct.chunk_id`,
    [
      rows.map((row) => row.chunk_id),
      cutTerms.map((t) => t.term),
      cutTerms.map((t) => t.weight),
      averageLength,
    ],
    BACKGROUND,
  );
  const restByChunk = new Map(rest.map((row) => [row.chunk_id, row.score]));
  const exact = rows
    .map((row) => ({ ...row, score: (row.settled ?? 0) + (restByChunk.get(row.chunk_id) ?? 0) }))
    .sort((a, b) => b.score - a.score || Number(a.chunk_id) - Number(b.chunk_id))
    .slice(0, CANDIDATES)
    .map(({ chunk_id, article_id, score }) => ({ chunk_id, article_id, score }));
  return { hits: exact, maxScore, terms };
}

export async function vectorHits(
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

/** Exact best-chunk similarity of the given articles (a handful: no index needed). */
export async function vectorScoresFor(
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
export function bestPerArticle(hits: readonly Hit[]): Map<string, Hit> {
  const best = new Map<string, Hit>();
  for (const hit of hits) if (!best.has(hit.article_id)) best.set(hit.article_id, hit);
  return best;
}
