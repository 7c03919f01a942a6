import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Database, Queryable } from '../stores/database.js';
import type { EmbeddingModel } from '../providers/spec/embedding-model.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { chunkText, type ChunkOptions } from './chunk-text.js';
import { documentExtensions, readDocumentFile, type ArticleInput } from './parse-document.js';
import {
  SEARCH_CONFIG,
  embeds,
  ensureEmbeddingIndex,
  vectorLiteral,
  type WordSplitter,
} from './search-text.js';
import { tfFactorSql } from './bm25.js';
import type { ResolutionRankers } from './learned-ranking/resolution-rankers.js';
import { characterPostingsSql } from './han-characters.js';

const TITLE_TF_WEIGHT = 3;
const INGEST_GROUP = 16;
const ANALYZE_AFTER_CHANGES = 20;
// Term frequency of one unnested tsvector lexeme `t`, counting title (weight A) positions more.
const termFrequencySql = `(SELECT coalesce(sum(CASE w WHEN 'A' THEN ${TITLE_TF_WEIGHT} ELSE 1 END), 1) FROM unnest(t.weights) w)::int`;

export interface KnowledgeDeps {
  db: Database;
  /** null: keyword search only. */
  embedder: EmbeddingModel | null;
  splitter: WordSplitter;
  /** Learning from resolutions (search fuses it in); absent: hybrid search alone. */
  resolutions?: ResolutionRankers | undefined;
}

export interface IngestOptions {
  /** Who made the change, recorded in article_versions. */
  changedBy?: string;
  /** Retire stored articles from these sources (files) that are not in this batch. */
  retireMissingUnder?: string;
  chunk?: ChunkOptions;
  onProgress?: (done: number, total: number) => void;
  /**
   * Bulk loads: do not create the model's HNSW index; the caller creates it afterwards with
   * ensureEmbeddingIndex (one bulk build is much cheaper than keeping the graph up to date
   * insert by insert). Searches meanwhile fall back to exact vector scans.
   */
  deferEmbeddingIndex?: boolean;
}

export interface IngestReport {
  added: number;
  updated: number;
  unchanged: number;
  retired: number;
  chunks: number;
  embedded: number;
}

function contentHash(article: ArticleInput): string {
  const { id, title, body, tags, language, status, owner } = article;
  return createHash('sha256')
    .update(JSON.stringify([id, title, body, tags, language, status, owner]))
    .digest('hex');
}

interface StoredArticle {
  version: number;
  content_hash: string;
  stale_chunks: number;
}

/**
 * Stores articles idempotently: unchanged content is skipped (never re-embedded), changed
 * content becomes a new version with fresh chunks, and, with `retireMissingUnder`, articles
 * whose file disappeared are retired (kept for history, no longer searched).
 */
export async function ingestArticles(
  deps: KnowledgeDeps,
  tenantId: string,
  articles: readonly ArticleInput[],
  options: IngestOptions = {},
): Promise<IngestReport> {
  const { db, embedder, splitter } = deps;
  const report: IngestReport = {
    added: 0,
    updated: 0,
    unchanged: 0,
    retired: 0,
    chunks: 0,
    embedded: 0,
  };
  const seen = new Set<string>();
  for (const article of articles) {
    if (seen.has(article.id)) {
      throw new CuecardError(
        'data_invalid',
        `Two articles share the id "${article.id}"${article.source ? ` (${article.source})` : ''}; ids must be unique`,
        { field: 'id' },
      );
    }
    seen.add(article.id);
  }
  if (embedder && !options.deferEmbeddingIndex) await ensureEmbeddingIndex(db, embedder);

  // Articles go in groups: the passages of a whole group are embedded in one call, so a batched
  // or multi-worker embedder stays busy, then each article is written in its own transaction.
  let done = 0;
  for (let start = 0; start < articles.length; start += INGEST_GROUP) {
    const group = articles.slice(start, start + INGEST_GROUP);
    const pending: {
      article: ArticleInput;
      hash: string;
      stored: StoredArticle | undefined;
      passages: string[];
      embed: boolean;
    }[] = [];
    for (const article of group) {
      const hash = contentHash(article);
      const embed = embeds(embedder, article.language);
      const { rows } = await db.query<StoredArticle>(
        `SELECT a.version, a.content_hash,
                (SELECT count(*) FROM chunks c WHERE c.tenant_id = a.tenant_id AND c.article_id = a.id
                   AND c.embedding_model IS DISTINCT FROM $3)::int AS stale_chunks
           FROM articles a WHERE a.tenant_id = $1 AND a.id = $2`,
        [tenantId, article.id, embed ? embedder!.id : null],
      );
      const stored = rows[0];
      // Same content and vectors of the current model: nothing to do.
      if (stored && stored.content_hash === hash && stored.stale_chunks === 0) {
        report.unchanged++;
        options.onProgress?.(++done, articles.length);
        continue;
      }
      pending.push({
        article,
        hash,
        stored,
        embed,
        passages: await chunkText(article.body || article.title, options.chunk),
      });
    }
    const toEmbed = pending.flatMap((entry) =>
      entry.embed ? entry.passages.map((passage) => `${entry.article.title}. ${passage}`) : [],
    );
    const vectors = embedder && toEmbed.length > 0 ? await embedder.embed(toEmbed) : [];
    let nextVector = 0;
    for (const { article, hash, stored, passages, embed } of pending) {
      const articleVectors = embed
        ? vectors.slice(nextVector, (nextVector += passages.length))
        : null;
      const version = stored
        ? stored.content_hash === hash
          ? stored.version
          : stored.version + 1
        : 1;
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO articles (tenant_id, id, slug, title, body, tags, language, status, owner, source, version, content_hash)
           VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (tenant_id, id) DO UPDATE SET title = $3, body = $4, tags = $5, language = $6, status = $7,
             owner = $8, source = $9, version = $10, content_hash = $11, updated_at = now()`,
          [
            tenantId,
            article.id,
            article.title,
            article.body,
            article.tags,
            article.language,
            article.status,
            article.owner,
            article.source,
            version,
            hash,
          ],
        );
        if (!stored || stored.version !== version) {
          await tx.query(
            `INSERT INTO article_versions (tenant_id, article_id, version, title, body, tags, status, content_hash, changed_by, change_note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
            [
              tenantId,
              article.id,
              version,
              article.title,
              article.body,
              article.tags,
              article.status,
              hash,
              options.changedBy ?? null,
              stored ? 'updated' : 'created',
            ],
          );
        }
        await tx.query('DELETE FROM chunks WHERE tenant_id = $1 AND article_id = $2', [
          tenantId,
          article.id,
        ]);
        await insertChunks(tx, {
          tenantId,
          articleId: article.id,
          version,
          searchTitle: splitter.split(article.title),
          model: articleVectors && embedder ? embedder.id : null,
          passages: passages.map((passage, ord) => ({
            text: passage,
            searchText: splitter.split(passage),
            vector: articleVectors?.[ord] ?? null,
          })),
        });
      });
      report.chunks += passages.length;
      if (articleVectors) report.embedded += articleVectors.length;
      if (!stored) report.added++;
      else if (stored.content_hash !== hash) report.updated++;
      else report.unchanged++;
      options.onProgress?.(++done, articles.length);
    }
  }
  if (options.retireMissingUnder !== undefined) {
    report.retired = await retireMissing(
      db,
      tenantId,
      options.retireMissingUnder,
      [...seen],
      options.changedBy,
    );
  }
  // Fresh statistics after a bulk change: the embedded engine has no autovacuum, and a planner
  // that believes the tables are empty picks plans that scan every posting. A single edit from
  // the admin screen does not pay for it (it barely moves the statistics). Vacuuming the
  // postings marks their pages all-visible, which lets keyword search read them from the index
  // alone (migration 0023); it skips pages already marked, so it costs what was just written.
  if (report.added + report.updated + report.retired >= ANALYZE_AFTER_CHANGES) {
    await db.exec('VACUUM (ANALYZE) chunk_terms');
    await db.exec('ANALYZE articles, chunks, term_stats');
    // The embedded engine never checkpoints on its own (no checkpointer process): a bulk load
    // through a one-shot CLI would otherwise keep all of its WAL until it closes (6.4 GB for
    // 100k passages). A server's checkpointer does this itself.
    if (db.engine === 'pglite') await db.exec('CHECKPOINT');
  }
  return report;
}

async function insertChunks(
  tx: Queryable,
  article: {
    tenantId: string;
    articleId: string;
    version: number;
    searchTitle: string;
    model: string | null;
    passages: readonly { text: string; searchText: string; vector: Float32Array | null }[];
  },
): Promise<void> {
  if (article.passages.length === 0) return;
  // One statement per article: its chunks, their BM25 document lengths, and their postings, all
  // from the same tsvectors (one round trip instead of one per passage: ingest is bound by
  // statement count on the embedded engine). Title words carry weight A and count
  // TITLE_TF_WEIGHT times (a BM25F-style field boost: a title says what the whole article is
  // about). Postings include word pairs ("promo code", "two factor") in order of position, stop
  // words skipped: measured +3 points of hit@1 on conversational queries over single words alone.
  // Han words also post their characters, as separate terms (han-characters.ts).
  await tx.query(
    `WITH input AS (
       SELECT * FROM unnest($4::int[], $5::text[], $6::text[], $7::text[]) AS i(ord, text, search_text, embedding)),
     inserted AS (
       INSERT INTO chunks (tenant_id, article_id, version, ord, text, search_text, tsv, term_count, embedding, embedding_model)
       SELECT $1, $2, $3, i.ord, i.text, i.search_text, v.tsv,
              (SELECT coalesce(sum(${termFrequencySql}), 0) FROM unnest(v.tsv) t),
              i.embedding::vector, CASE WHEN i.embedding IS NULL THEN NULL ELSE $8 END
         FROM input i
         CROSS JOIN LATERAL (SELECT setweight(to_tsvector('${SEARCH_CONFIG}', $9), 'A') || to_tsvector('${SEARCH_CONFIG}', i.search_text) AS tsv) v
       RETURNING id, tenant_id, tsv, term_count),
     tokens AS (
       SELECT i.id, i.tenant_id, t.lexeme, p.pos, p.weight
         FROM inserted i, unnest(i.tsv) t, unnest(t.positions, t.weights) AS p(pos, weight)),
     pairs AS (
       SELECT id, tenant_id, lexeme || ' ' || next_lexeme AS term,
              sum(CASE weight WHEN 'A' THEN ${TITLE_TF_WEIGHT} ELSE 1 END)::int AS tf
         FROM (SELECT *, lead(lexeme) OVER (PARTITION BY id ORDER BY pos) AS next_lexeme FROM tokens) ordered
        WHERE next_lexeme IS NOT NULL AND next_lexeme <> lexeme
        GROUP BY id, tenant_id, lexeme || ' ' || next_lexeme),
     postings AS (
       SELECT i.id, i.tenant_id, t.lexeme AS term, ${termFrequencySql} AS tf FROM inserted i, unnest(i.tsv) t
       UNION ALL
       SELECT id, tenant_id, term, tf FROM pairs
       UNION ALL
       ${characterPostingsSql('tokens', TITLE_TF_WEIGHT)})
     INSERT INTO chunk_terms (chunk_id, tenant_id, term, tf, impact)
     SELECT p.id, p.tenant_id, p.term, p.tf, ${tfFactorSql('p.tf', 'i.term_count', 'greatest(coalesce(s.average, i.term_count), 1)')}
       FROM postings p JOIN inserted i ON i.id = p.id
       LEFT JOIN (SELECT total_terms::float8 / chunks AS average FROM chunk_stats WHERE tenant_id = $1 AND chunks > 0) s ON true`,
    [
      article.tenantId,
      article.articleId,
      article.version,
      article.passages.map((_, ord) => ord),
      article.passages.map((p) => p.text),
      article.passages.map((p) => p.searchText),
      article.passages.map((p) => (p.vector ? vectorLiteral(p.vector) : null)),
      article.model,
      article.searchTitle,
    ],
  );
}

async function retireMissing(
  db: Database,
  tenantId: string,
  sourcePrefix: string,
  keep: string[],
  changedBy: string | undefined,
): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM articles WHERE tenant_id = $1 AND status <> 'retired' AND source IS NOT NULL
        AND left(source, length($2)) = $2 AND NOT (id = ANY($3::text[]))`,
    [tenantId, sourcePrefix, keep],
  );
  for (const { id } of rows) {
    await db.transaction(async (tx) => {
      const { rows: updated } = await tx.query<{
        version: number;
        title: string;
        body: string;
        tags: string[];
        content_hash: string;
      }>(
        `UPDATE articles SET status = 'retired', version = version + 1, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 RETURNING version, title, body, tags, content_hash`,
        [tenantId, id],
      );
      const row = updated[0]!;
      await tx.query('UPDATE chunks SET version = $3 WHERE tenant_id = $1 AND article_id = $2', [
        tenantId,
        id,
        row.version,
      ]);
      await tx.query(
        `INSERT INTO article_versions (tenant_id, article_id, version, title, body, tags, status, content_hash, changed_by, change_note)
         VALUES ($1, $2, $3, $4, $5, $6, 'retired', $7, $8, 'source removed')`,
        [
          tenantId,
          id,
          row.version,
          row.title,
          row.body,
          row.tags,
          row.content_hash,
          changedBy ?? null,
        ],
      );
    });
  }
  return rows.length;
}

/** Reads every document (.md, .txt, .html, .pdf) in a folder, recursively, or one file. */
export async function readDocuments(target: string): Promise<ArticleInput[]> {
  let info;
  try {
    info = await stat(target);
  } catch (error) {
    throw new CuecardError('not_found', `${target}: no such file or folder`, { cause: error });
  }
  const files: string[] = [];
  if (info.isDirectory()) {
    const walk = async (dir: string): Promise<void> => {
      for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (documentExtensions.has(path.extname(entry.name).toLowerCase())) files.push(full);
      }
    };
    await walk(target);
  } else {
    files.push(target);
  }
  const articles: ArticleInput[] = [];
  for (const file of files) {
    const resolved = path.resolve(file);
    articles.push(await readDocumentFile(resolved));
  }
  return articles;
}

/** Ingests a folder or file; with a folder, articles whose file was removed are retired. */
export async function ingestPath(
  deps: KnowledgeDeps,
  tenantId: string,
  target: string,
  options: IngestOptions = {},
): Promise<IngestReport> {
  const articles = await readDocuments(target);
  const isFolder = (await stat(target)).isDirectory();
  return ingestArticles(deps, tenantId, articles, {
    ...options,
    ...(isFolder ? { retireMissingUnder: path.resolve(target) + path.sep } : {}),
  });
}

/** First start: loads the bundled or configured folder when the tenant has no article yet. */
export async function loadKnowledgeBaseIfEmpty(
  deps: KnowledgeDeps,
  tenantId: string,
  dir: string,
  options: IngestOptions = {},
): Promise<IngestReport | null> {
  const { rows } = await deps.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM articles WHERE tenant_id = $1',
    [tenantId],
  );
  if ((rows[0]?.n ?? 0) > 0) return null;
  return ingestPath(deps, tenantId, dir, { changedBy: 'system:first-start', ...options });
}
