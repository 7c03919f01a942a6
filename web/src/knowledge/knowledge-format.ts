import type { ArticleStatus, ArticleUsage } from './knowledge-api.js';

export const STATUS_LABELS: Record<ArticleStatus, string> = {
  draft: 'Draft',
  published: 'Published',
  retired: 'Retired',
};

/** Share of explicit votes that were "helpful"; null until someone has voted. */
export function helpfulness(usage: ArticleUsage): number | null {
  const votes = usage.helpful + usage.notHelpful;
  return votes === 0 ? null : usage.helpful / votes;
}

export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
}
