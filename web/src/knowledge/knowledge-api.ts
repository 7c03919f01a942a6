import type { ArticleRecord } from '../../../src/knowledge/article-admin.js';
import type { SearchResult as ServiceSearchResult } from '../../../src/knowledge/search.js';
import { apiFetch } from '../api.js';

export type ArticleStatus = 'draft' | 'published' | 'retired';

export interface ArticleUsage {
  shown: number;
  used: number;
  helpful: number;
  notHelpful: number;
  dismissed: number;
}

export interface ArticleSummary {
  id: string;
  slug: string;
  title: string;
  tags: string[];
  language: string;
  status: ArticleStatus;
  owner: string | null;
  version: number;
  updatedAt: string;
  usage: ArticleUsage;
}

/** The service's own article shape: a change there fails `tsc -p web`. */
export type Article = Omit<ArticleRecord, 'status'> & { status: ArticleStatus };

export interface ArticleVersion {
  version: number;
  title: string;
  status: ArticleStatus;
  changedBy: string | null;
  changedAt: string;
}

export interface SearchResult {
  articleId: string;
  title: string;
  score: number;
  passage: string;
  /** The passage's Markdown, HTML-escaped, matches in <mark>; rendered by HighlightedPassage, never as HTML. */
  highlighted: string;
  /** Set when agents' past resolutions moved it (the route leaves out the conversations' ids). */
  resolvedBefore?: Pick<
    NonNullable<ServiceSearchResult['resolvedBefore']>,
    'conversations' | 'code'
  >;
}

export interface KnowledgeGap {
  topic: string;
  count: number;
  examples: string[];
}

export interface ArticleDraft {
  title: string;
  body: string;
  tags: string[];
  language: string;
}

function query(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

const articlePath = (id: string) => `/api/articles/${encodeURIComponent(id)}`;

export async function listArticles(
  key: string,
  filters: { status?: string; tag?: string; language?: string; q?: string },
): Promise<ArticleSummary[]> {
  return (await apiFetch<{ articles: ArticleSummary[] }>(key, `/api/articles${query(filters)}`))
    .articles;
}

export function getArticle(
  key: string,
  id: string,
): Promise<{ article: Article; versions: ArticleVersion[] }> {
  return apiFetch(key, articlePath(id));
}

export async function createArticle(
  key: string,
  draft: ArticleDraft & { status?: ArticleStatus },
): Promise<Article> {
  return (
    await apiFetch<{ article: Article }>(key, '/api/articles', {
      method: 'POST',
      body: JSON.stringify(draft),
    })
  ).article;
}

export async function updateArticle(
  key: string,
  id: string,
  draft: ArticleDraft,
): Promise<Article> {
  return (
    await apiFetch<{ article: Article }>(key, articlePath(id), {
      method: 'PUT',
      body: JSON.stringify(draft),
    })
  ).article;
}

export async function changeArticleStatus(
  key: string,
  id: string,
  action: 'publish' | 'retire',
): Promise<Article> {
  return (
    await apiFetch<{ article: Article }>(key, `${articlePath(id)}/${action}`, {
      method: 'POST',
      body: '{}',
    })
  ).article;
}

export async function searchKnowledge(
  key: string,
  search: { q: string; language?: string; tags?: string; limit?: number },
): Promise<SearchResult[]> {
  return (
    await apiFetch<{ results: SearchResult[] }>(
      key,
      `/api/knowledge/search${query({ ...search, limit: search.limit ? String(search.limit) : undefined })}`,
    )
  ).results;
}

export async function listGaps(key: string): Promise<KnowledgeGap[]> {
  return (await apiFetch<{ gaps: KnowledgeGap[] }>(key, '/api/knowledge/gaps')).gaps;
}
