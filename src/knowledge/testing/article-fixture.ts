import type { ArticleInput } from '../parse-document.js';

/** A published English article for tests: only what a search test cares about varies. */
export function publishedArticle(id: string, title: string, body: string): ArticleInput {
  return {
    id,
    title,
    body,
    tags: [],
    language: 'en',
    status: 'published',
    owner: null,
    source: null,
  };
}
