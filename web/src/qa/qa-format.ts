import { humanize } from '../format.js';
import type { CriterionScore } from './qa-api.js';

export const percent = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;

export const SCORE_LABELS: Record<'1' | '0' | 'null', string> = {
  '1': 'Met',
  '0': 'Missed',
  null: 'N/A',
};

export function scoreLabel(score: number | null): string {
  return SCORE_LABELS[String(score) as '1' | '0' | 'null'] ?? String(score);
}

export function scoreClass(score: number | null): string {
  return score === 1 ? 'met' : score === 0 ? 'missed' : 'not-applicable';
}

export function asCriterionScore(value: string): CriterionScore {
  return value === '1' ? 1 : value === '0' ? 0 : null;
}

/** High churn risk is what a reviewer should notice first. */
export function riskLevel(risk: number | null | undefined): 'high' | 'medium' | 'low' | 'none' {
  if (risk === null || risk === undefined) return 'none';
  return risk >= 0.6 ? 'high' : risk >= 0.3 ? 'medium' : 'low';
}

export const criterionName = (criterionId: string) => humanize(criterionId);

export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
