import type { Queryable } from '../stores/database.js';
import { isChineseStopWord } from '../text/chinese-stopwords.js';
import type { EmbeddingModel } from '../providers/spec/embedding-model.js';
import { SEARCH_CONFIG, type WordSplitter } from './search-text.js';
import { termBridge, withBridgedTerms } from './term-bridge.js';
import {
  BACKGROUND,
  bestPerArticle,
  keywordHits,
  POSTINGS_PER_TERM,
  vectorHits,
  vectorScoresFor,
  type Hit,
  type QueryTerm,
  type SearchFilters,
} from './search-hits.js';
import { reciprocalRankFusion, relativeScoreFusion } from './fusion.js';
import { redactionTokenPattern } from '../understanding/pii/redact.js';
import { CLOSE, excerpt, markCjk, OPEN, renderHighlight } from './highlight.js';
import type { ResolutionRankers } from './learned-ranking/resolution-rankers.js';
import type { ResolutionVotes } from './learned-ranking/resolution-ranker.js';
import { fuseResolutionVotes } from './learned-ranking/resolution-fusion.js';

export type { QueryTerm, SearchFilters } from './search-hits.js';

/** A piece of the query with its importance (e.g. the customer's last turn weighs more). */
export interface QuerySegment {
  text: string;
  weight: number;
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
  /**
   * Record the search for knowledge-gap analysis. `query` is stored only for typed searches, and
   * with `redact` only as redacted (its keywords then come from the redacted text too): an agent
   * types what the customer said, e-mail and card number included.
   */
  log?:
    | {
        source: string;
        storeQueryText: boolean;
        redact?: (text: string) => Promise<string> | string;
      }
    | false;
  /** Let agent feedback nudge the ranking (default true). */
  useFeedback?: boolean;
  /**
   * The conversation so far, for the learned ranker to compare with past resolved ones (default:
   * the query's text). Used only when the search options carry `resolutions`.
   */
  resolutionText?: string;
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
  /** The passage's Markdown with matched words in <mark></mark>; everything else HTML-escaped. */
  highlighted: string;
  /** Query words found in the passage, as written in the article. */
  matchedTerms: string[];
  /**
   * Set when past resolutions moved this article: how many similar resolved conversations it
   * helped, and the ids of the closest of them ("agents used this for N conversations like
   * this one"). With `code`, the vote came through the confirmed wrap-up code: the conversations
   * counted are that code's ones it resolved ("agents used this for N conversations wrapped up
   * as Refund issued").
   */
  resolvedBefore?: { conversations: number; examples: string[]; code?: string };
}

export interface SearchOptions {
  db: Queryable;
  embedder: EmbeddingModel | null;
  splitter: WordSplitter;
  /** Learning from resolutions; absent or without evidence, the ranking is the hybrid one. */
  resolutions?: ResolutionRankers | undefined;
}

/**
 * Share of the vector side in relative-score fusion. Measured on long conversational queries
 * (ABCD dev, whole chats) with the offline 512-d encoder, hit@1: keyword-only 0.807; relative
 * fusion at 0.2 / 0.35 / 0.5: 0.811 / 0.821 / 0.821; RRF was below keyword-only (it weighs a weak
 * ranker as much as a strong one, while relative fusion lets a confident keyword match win).
 * With IDF_EMPHASIS and the opening prior, 0.45 was best on a tuning half of the chats (0.25 /
 * 0.35 / 0.45 / 0.55 tried) for both whole and early chats.
 */
const VECTOR_WEIGHT = 0.45;
const hanText = /[\u3400-\u9fff]/;
const MAX_EMBED_WORDS = 80;
/** Keyword-found articles the vector list missed that get their real similarity looked up. */
const SIMILARITY_LOOKUPS = 30;

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
  const { rows: lexemes } = await db.query<{ ord: number; term: string; pos: number }>(
    `SELECT s.ord::int AS ord, t.lexeme AS term, p.pos::int AS pos
       FROM unnest($1::text[]) WITH ORDINALITY AS s(txt, ord), unnest(to_tsvector('${SEARCH_CONFIG}', s.txt)) t,
            unnest(t.positions) AS p(pos)
      ORDER BY s.ord, p.pos`,
    [segments.map((segment) => splitter.split(segment.text))],
    BACKGROUND,
  );
  // A lone Latin letter is what the parser leaves of contractions ("I'm" → 'm'): it carries no
  // topic, and shown as a matched word in a card's reason it looks broken.
  // Chinese function words likewise (see src/text/chinese-stopwords.ts).
  const rows = lexemes.filter((row) => !/^[a-z]$/.test(row.term) && !isChineseStopWord(row.term));
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
  const terms = [...raw].map(([term, weight]) => ({ term, weight })).filter((t) => t.weight > 0);
  // Every word said, function words included ("两次" is "twice"), may be bridged (term-bridge.ts).
  const said = new Map<string, number>();
  for (const row of lexemes)
    said.set(row.term, (said.get(row.term) ?? 0) + (segments[row.ord - 1]?.weight ?? 0));
  return withBridgedTerms(terms, said, await termBridge(db));
}

function lastWords(text: string, count: number): string {
  const words = text.trim().split(/\s+/);
  return words.length <= count ? text.trim() : words.slice(-count).join(' ');
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
      // Only the strongest keyword articles: one far down the keyword list cannot reach the top
      // on its similarity alone, and each article costs the distance to every passage it has.
      const missing = [...new Set(keyword.hits.map((hit) => hit.article_id))]
        .filter((id) => !found.has(id))
        .slice(0, SIMILARITY_LOOKUPS);
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
    await logSearch(options, request, terms, null, 0, 0);
    return [];
  }
  if (request.useFeedback !== false) await applyFeedback(db, request.tenantId, fused);
  const learned = await resolutionVotes(options, request, fullText);
  const scored = learned ? fuseResolutionVotes(fused, learned) : fused;

  const ranked = [...scored]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit);
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
      confidence: Math.max(
        similarity === null
          ? coverage
          : Math.max(coverage, 0.5 * coverage + 0.5 * Math.max(0, similarity)),
        // What the resolved conversations most like this one say: the share of them this
        // article helped, as far as they are like it.
        learnedConfidence(learned, articleId),
      ),
      keywordScore: keywordHit?.score ?? 0,
      vectorSimilarity: similarity,
      passage: '',
      highlighted: '',
      matchedTerms: [],
      ...resolvedBefore(learned, articleId),
    };
  });
  // Highlights mark what was scored, characters of unknown Chinese words included.
  await fillDetails(db, request, keyword.terms, results, keywordBest, vectorBest);
  const top = results[0];
  await logSearch(
    options,
    request,
    terms,
    top?.articleId ?? null,
    top?.confidence ?? 0,
    results.length,
  );
  return results;
}

async function resolutionVotes(
  options: SearchOptions,
  request: SearchRequest,
  fullText: string,
): Promise<ResolutionVotes | null> {
  const ranker = await options.resolutions?.rankerFor(request.tenantId);
  if (!ranker) return null;
  const votes = ranker.vote(request.resolutionText ?? fullText);
  return votes.support > 0 && votes.votes.length > 0 ? votes : null;
}

function learnedConfidence(learned: ResolutionVotes | null, articleId: string): number {
  const vote = learned?.votes.find((v) => v.articleId === articleId);
  return vote && learned ? learned.support * vote.share : 0;
}

function resolvedBefore(
  learned: ResolutionVotes | null,
  articleId: string,
): Pick<SearchResult, 'resolvedBefore'> {
  const vote = learned?.votes.find((v) => v.articleId === articleId);
  return vote
    ? {
        resolvedBefore: {
          conversations: vote.conversations,
          examples: vote.examples,
          ...(vote.code ? { code: vote.code } : {}),
        },
      }
    : {};
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
    text: string;
  }>(
    `SELECT c.id AS chunk_id, a.title, a.tags, a.language, CASE WHEN $2 THEN c.text ELSE '' END AS text,
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
      // ts_headline counts a run of Han characters as one word and cuts a Chinese passage after
      // its first runs, before the words that matched: Chinese text is marked whole, then cut
      // around its first mark.
      const marked = hanText.test(row.text) ? markCjk(row.text, terms) : markCjk(row.marked, terms);
      const rendered = renderHighlight(excerpt(marked, 400));
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
  { db, splitter }: Pick<SearchOptions, 'db' | 'splitter'>,
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
  let text = typeof request.query === 'string' ? request.query : null;
  let loggedTerms = terms;
  if (text !== null && log.redact) {
    const redacted = await log.redact(text);
    if (redacted !== text) {
      // Keywords of the redacted text, placeholders left out ("[EMAIL]" is no topic).
      loggedTerms = await analyzeQuery(db, splitter, redacted.replace(redactionTokenPattern, ' '));
      text = redacted;
    }
  }
  const topTerms = [...loggedTerms]
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
      log.storeQueryText && text !== null ? text.slice(0, 300) : null,
      topTerms,
      topArticleId,
      topScore,
      count,
    ],
    BACKGROUND,
  );
}
