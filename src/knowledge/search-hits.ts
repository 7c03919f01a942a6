import type { Queryable, SqlParam } from '../stores/database.js';
import type { EmbeddingModel } from '../providers/spec/embedding-model.js';
import { vectorLiteral } from './search-text.js';
import type { ArticleStatus } from './parse-document.js';
import { K1, termIdf, tfFactor, tfFactorSql } from './bm25.js';
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
  const caps = postingCaps(kept, postingsPerTerm);
  // A term with more postings than its cap is read only in part, so a chunk's sum over it may
  // miss the chunk's weaker matches: a partial score. Then more candidates are read, and each
  // one's postings of those terms alone are looked up by primary key (chunk, term); the other
  // terms were read whole, so their share of the sum ("settled") is already exact.
  const cut = kept.map((t, i) => caps[i] !== null && (df.get(t.term) ?? 0) > caps[i]!);
  const truncated = cut.some(Boolean);
  const read = await readPostings(db, {
    tenantId,
    terms: kept,
    cut,
    averageLength,
    filters,
    caps,
    limit: truncated ? RESCORED_CANDIDATES : CANDIDATES,
  });
  // Rows of a read with no cut term are hits as they are; only a cut read carries a settled share.
  if (!truncated || read.length === 0)
    return { hits: read.map(asHit), maxScore: read.length > 0 ? maxScore : 0, terms };
  const exact = await addCutPostings(
    db,
    read,
    kept.filter((_, i) => cut[i]),
    averageLength,
  );
  return { hits: exact, maxScore, terms };
}

/**
 * Postings read per kept term: the heaviest term reads `postingsPerTerm`, lighter ones in
 * proportion to their weight, down to a tenth of it. A light term's postings past its cap could
 * add little to any chunk, and the candidates' exact scores read them anyway (addCutPostings);
 * a conversation's eighty terms each reading a thousand postings was most of a live-card search.
 */
function postingCaps(
  kept: readonly { term: string; weight: number }[],
  postingsPerTerm: number | 'all',
): (number | null)[] {
  if (postingsPerTerm === 'all') return kept.map(() => null);
  const cap = Math.max(1, Math.floor(postingsPerTerm));
  const floor = Math.max(1, Math.floor(cap / 10));
  // Measured against the heaviest single word: a word pair is rare, so it weighs most and its
  // list is short anyway; as the yardstick it would cut the query's main word.
  const words = kept.filter((t) => !t.term.includes(' ')).map((t) => t.weight);
  const heaviest = words.length > 0 ? Math.max(...words) : 0;
  return kept.map((t) =>
    heaviest > 0 ? Math.min(cap, Math.max(floor, Math.floor((cap * t.weight) / heaviest))) : cap,
  );
}

interface PostingsRead {
  tenantId: string;
  terms: readonly { term: string; weight: number }[];
  /** Per term: more postings than the cap, so only its strongest were read. */
  cut: readonly boolean[];
  averageLength: number;
  filters: SearchFilters | undefined;
  /** Postings read per term, strongest first; null: all of them. */
  caps: readonly (number | null)[];
  limit: number;
}

interface ReadRow extends Hit {
  /** The part of the score from terms read whole: exact. */
  settled: number;
  term_count: number;
  /** How many candidate chunks the read pooled before the article filters. */
  pooled: number;
}

const asHit = ({ chunk_id, article_id, score }: ReadRow): Hit => ({ chunk_id, article_id, score });

/**
 * Candidate chunks this many at most are scored exactly and filtered by article. A posting's
 * stored impact (its BM25 term factor at the mean length of its insertion time) ranks them first,
 * from the postings alone: joining every posting read to its chunk and article cost 85 % of a
 * keyword search (15 µs a posting, thousands a query, at 10k chunks on a loaded machine).
 */
const POOL = RESCORED_CANDIDATES;

/**
 * One statement: each kept term's strongest postings (the index read, nothing joined), pooled by
 * impact, then the pool's chunks joined to their articles for the filters and for exact scores
 * with the current statistics. When the filters leave fewer rows than wanted from a full pool,
 * chunks past the pool might pass them: the read is done again with the filters applied to every
 * posting (the slower statement, exact for selective filters).
 */
async function readPostings(db: Queryable, read: PostingsRead): Promise<ReadRow[]> {
  const rows = await pooledRead(db, read);
  if (read.caps.every((cap) => cap === null) || rows.length >= read.limit) return rows;
  // No row says how full the pool was when the filters left none: read again to be sure.
  if (rows.length > 0 && rows[0]!.pooled < POOL) return rows;
  return filteredRead(db, read);
}

/** $1–$9 of both reads: tenant, terms, weights, mean length, the filters, caps, cut flags. */
function readParams(read: PostingsRead): SqlParam[] {
  return [
    read.tenantId,
    read.terms.map((t) => t.term),
    read.terms.map((t) => t.weight),
    read.averageLength,
    ...filterParams(read.filters),
    [...read.caps],
    [...read.cut],
  ];
}

function contributionSql(tf: string, length: string): string {
  return `q.weight * ${K1 + 1} * ${tfFactorSql(tf, length, '$4::float8')}`;
}

async function pooledRead(db: Queryable, read: PostingsRead): Promise<ReadRow[]> {
  const contribution = contributionSql('p.tf', 'c.term_count');
  const { rows } = await db.query<ReadRow>(
    `WITH q AS (SELECT * FROM unnest($2::text[], $3::float8[], $9::bool[], $8::int[]) AS q(term, weight, cut, cap)),
     p AS MATERIALIZED (
       SELECT ct.chunk_id, q.term, ct.tf, ct.impact
         FROM q CROSS JOIN LATERAL (
           SELECT chunk_id, tf, impact FROM chunk_terms
            WHERE tenant_id = $1 AND term = q.term ORDER BY impact DESC LIMIT q.cap) ct),
     pool AS (
       SELECT p.chunk_id FROM p JOIN q USING (term)
        GROUP BY p.chunk_id ORDER BY sum(q.weight * p.impact) DESC, p.chunk_id LIMIT $10)
     SELECT p.chunk_id, c.article_id, c.term_count,
            sum(${contribution})::float8 AS score,
            sum(CASE WHEN q.cut THEN 0 ELSE ${contribution} END)::float8 AS settled,
            (SELECT count(*) FROM pool)::int AS pooled
       FROM pool JOIN p USING (chunk_id) JOIN q USING (term)
       JOIN chunks c ON c.id = p.chunk_id
       JOIN articles a ON a.tenant_id = c.tenant_id AND a.id = c.article_id
      WHERE c.tenant_id = $1 AND ${filterSql(5)}
      GROUP BY p.chunk_id, c.article_id, c.term_count
      ORDER BY score DESC, p.chunk_id LIMIT $11`,
    [...readParams(read), read.caps.every((cap) => cap === null) ? null : POOL, read.limit],
    BACKGROUND,
  );
  return rows;
}

/** The filters applied to every posting read: exact under selective filters, and slower. */
async function filteredRead(db: Queryable, read: PostingsRead): Promise<ReadRow[]> {
  const contribution = contributionSql('p.tf', 'p.term_count');
  const { rows } = await db.query<ReadRow>(
    `SELECT p.chunk_id, p.article_id, p.term_count, sum(${contribution})::float8 AS score,
            sum(CASE WHEN q.cut THEN 0 ELSE ${contribution} END)::float8 AS settled, 0 AS pooled
       FROM unnest($2::text[], $3::float8[], $9::bool[], $8::int[]) AS q(term, weight, cut, cap)
       CROSS JOIN LATERAL (
         SELECT ct.chunk_id, ct.tf, c.article_id, c.term_count
           FROM chunk_terms ct
           JOIN chunks c ON c.id = ct.chunk_id
           JOIN articles a ON a.tenant_id = c.tenant_id AND a.id = c.article_id
          WHERE ct.tenant_id = $1 AND ct.term = q.term AND ${filterSql(5)}
          ORDER BY ct.impact DESC
          LIMIT q.cap) p
      GROUP BY p.chunk_id, p.article_id, p.term_count
      ORDER BY score DESC, p.chunk_id LIMIT $10`,
    [...readParams(read), read.limit],
    BACKGROUND,
  );
  return rows;
}

/**
 * A cut term was read only in part, so a candidate's sum over it may miss its weaker match: its
 * postings of the cut terms alone are looked up by primary key (chunk, term), and settled +
 * looked-up is the exact BM25 score that ranks the candidates.
 */
async function addCutPostings(
  db: Queryable,
  read: readonly ReadRow[],
  cutTerms: readonly { term: string; weight: number }[],
  averageLength: number,
): Promise<Hit[]> {
  const { rows } = await db.query<{ chunk_id: number; term: string; tf: number }>(
    `SELECT chunk_id, term, tf FROM chunk_terms
      WHERE chunk_id = ANY($1::bigint[]) AND term = ANY($2::text[])`,
    [read.map((row) => row.chunk_id), cutTerms.map((t) => t.term)],
    BACKGROUND,
  );
  const weight = new Map(cutTerms.map((t) => [t.term, t.weight]));
  const length = new Map(read.map((row) => [Number(row.chunk_id), row.term_count]));
  const rest = new Map<number, number>();
  for (const row of rows) {
    const chunk = Number(row.chunk_id);
    const score =
      (weight.get(row.term) ?? 0) *
      (K1 + 1) *
      tfFactor(row.tf, length.get(chunk) ?? averageLength, averageLength);
    rest.set(chunk, (rest.get(chunk) ?? 0) + score);
  }
  return read
    .map((row) => ({
      chunk_id: row.chunk_id,
      article_id: row.article_id,
      score: row.settled + (rest.get(Number(row.chunk_id)) ?? 0),
    }))
    .sort((a, b) => b.score - a.score || Number(a.chunk_id) - Number(b.chunk_id))
    .slice(0, CANDIDATES);
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
