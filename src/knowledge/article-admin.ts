import type { Queryable } from '../stores/database.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { ingestArticles, type KnowledgeDeps } from './ingest.js';
import { slugify, type ArticleInput, type ArticleStatus } from './parse-document.js';

/**
 * What knowledge managers do to articles through the API: create, edit, publish, retire. Every
 * change goes through `ingestArticles`, so it is versioned (with who changed it), re-chunked and
 * re-embedded exactly as a file ingest would be.
 */
export interface ArticleRecord {
  id: string;
  slug: string;
  title: string;
  body: string;
  tags: string[];
  language: string;
  status: ArticleStatus;
  owner: string | null;
  version: number;
  updatedAt: string;
}

interface ArticleRow {
  id: string;
  slug: string;
  title: string;
  body: string;
  tags: string[];
  language: string;
  status: ArticleStatus;
  owner: string | null;
  version: number;
  updated_at: Date;
  source: string | null;
}

const toRecord = (row: ArticleRow): ArticleRecord => ({
  id: row.id,
  slug: row.slug,
  title: row.title,
  body: row.body,
  tags: row.tags,
  language: row.language,
  status: row.status,
  owner: row.owner,
  version: row.version,
  updatedAt: new Date(row.updated_at).toISOString(),
});

export async function getArticleRow(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<ArticleRow | null> {
  const { rows } = await db.query<ArticleRow>(
    'SELECT id, slug, title, body, tags, language, status, owner, version, updated_at, source FROM articles WHERE tenant_id = $1 AND id = $2',
    [tenantId, id],
  );
  return rows[0] ?? null;
}

export async function getArticle(db: Queryable, tenantId: string, id: string) {
  const row = await getArticleRow(db, tenantId, id);
  if (!row)
    throw new CuecardError('not_found', `No article "${id}" in this tenant.`, { field: 'id' });
  const { rows: versions } = await db.query<{
    version: number;
    title: string;
    status: string;
    changed_by: string | null;
    change_note: string | null;
    created_at: Date;
  }>(
    `SELECT version, title, status, changed_by, change_note, created_at FROM article_versions
      WHERE tenant_id = $1 AND article_id = $2 ORDER BY version DESC`,
    [tenantId, id],
  );
  return {
    article: toRecord(row),
    versions: versions.map((v) => ({
      version: v.version,
      title: v.title,
      status: v.status,
      changedBy: v.changed_by,
      note: v.change_note,
      changedAt: new Date(v.created_at).toISOString(),
    })),
  };
}

/** Title and body of each of the tenant's articles among `ids`, as one text each (QA checks). */
export async function articleTexts(
  db: Queryable,
  tenantId: string,
  ids: Iterable<string>,
): Promise<string[]> {
  const { rows } = await db.query<{ body: string }>(
    `SELECT title || ' ' || body AS body FROM articles WHERE tenant_id = $1 AND id = ANY($2::text[])`,
    [tenantId, [...ids]],
  );
  return rows.map((row) => row.body);
}

export interface ArticleFilter {
  tenantId: string;
  status?: ArticleStatus | undefined;
  tag?: string | undefined;
  language?: string | undefined;
  q?: string | undefined;
}

/** Articles with how agents used their cards: shown, used, helpful, not helpful, dismissed. */
export async function listArticles(db: Queryable, filter: ArticleFilter) {
  const { rows } = await db.query<
    ArticleRow & {
      shown: number;
      used: number;
      helpful: number;
      not_helpful: number;
      dismissed: number;
    }
  >(
    `SELECT a.id, a.slug, a.title, '' AS body, a.tags, a.language, a.status, a.owner, a.version, a.updated_at, a.source,
            coalesce(s.shown, 0)::int AS shown,
            count(f.*) FILTER (WHERE f.kind = 'used')::int AS used,
            count(f.*) FILTER (WHERE f.kind = 'helpful')::int AS helpful,
            count(f.*) FILTER (WHERE f.kind = 'not_helpful')::int AS not_helpful,
            count(f.*) FILTER (WHERE f.kind = 'dismissed')::int AS dismissed
       FROM articles a
       LEFT JOIN article_feedback f ON f.tenant_id = a.tenant_id AND f.article_id = a.id
       LEFT JOIN (SELECT payload->'suggestion'->>'articleId' AS article_id, count(*) AS shown
                    FROM events WHERE tenant_id = $1 AND type = 'suggestion' AND payload->'suggestion'->>'kind' = 'article'
                   GROUP BY 1) s ON s.article_id = a.id
      WHERE a.tenant_id = $1
        AND ($2::text IS NULL OR a.status = $2)
        AND ($3::text IS NULL OR $3 = ANY(a.tags))
        AND ($4::text IS NULL OR a.language = $4)
        AND ($5::text IS NULL OR a.title ILIKE '%' || $5 || '%')
      GROUP BY a.tenant_id, a.id, s.shown
      ORDER BY a.updated_at DESC, a.id`,
    [
      filter.tenantId,
      filter.status ?? null,
      filter.tag ?? null,
      filter.language ?? null,
      filter.q ?? null,
    ],
  );
  return rows.map((row) => ({
    ...toRecord(row),
    body: undefined,
    usage: {
      shown: row.shown,
      used: row.used,
      helpful: row.helpful,
      notHelpful: row.not_helpful,
      dismissed: row.dismissed,
    },
  }));
}

async function save(
  deps: KnowledgeDeps,
  tenantId: string,
  article: ArticleInput,
  changedBy: string,
): Promise<ArticleRecord> {
  await ingestArticles(deps, tenantId, [article], { changedBy });
  return toRecord((await getArticleRow(deps.db, tenantId, article.id))!);
}

export async function createArticle(
  deps: KnowledgeDeps,
  tenantId: string,
  input: {
    title: string;
    body: string;
    tags?: string[] | undefined;
    language?: string | undefined;
    status?: ArticleStatus | undefined;
  },
  changedBy: string,
): Promise<ArticleRecord> {
  const base = slugify(input.title) || 'article';
  let id = base;
  for (let n = 2; await getArticleRow(deps.db, tenantId, id); n++) id = `${base}-${n}`;
  return save(
    deps,
    tenantId,
    {
      id,
      title: input.title,
      body: input.body,
      tags: input.tags ?? [],
      language: input.language ?? 'en',
      status: input.status ?? 'draft',
      owner: changedBy,
      source: null,
    },
    changedBy,
  );
}

export async function updateArticle(
  deps: KnowledgeDeps,
  tenantId: string,
  id: string,
  changes: {
    title?: string | undefined;
    body?: string | undefined;
    tags?: string[] | undefined;
    language?: string | undefined;
    status?: ArticleStatus | undefined;
  },
  changedBy: string,
): Promise<ArticleRecord> {
  const current = await getArticleRow(deps.db, tenantId, id);
  if (!current)
    throw new CuecardError('not_found', `No article "${id}" in this tenant.`, { field: 'id' });
  return save(
    deps,
    tenantId,
    {
      id,
      title: changes.title ?? current.title,
      body: changes.body ?? current.body,
      tags: changes.tags ?? current.tags,
      language: changes.language ?? current.language,
      status: changes.status ?? current.status,
      owner: current.owner,
      // Edited through the API, the article no longer follows its file.
      source: null,
    },
    changedBy,
  );
}
