import type { ResolutionVotes } from './resolution-ranker.js';

/**
 * Largest say past resolutions get in the final score, reached when the nearest resolved
 * conversations are very like this one (support near 1). Below one half, a search score that is
 * far ahead still wins over a narrow vote, so a knowledge base edit is not buried by history.
 */
export const RESOLUTION_WEIGHT = 0.6;

/**
 * Interpolates hybrid-search scores with resolution votes: `(1 − λ) · score / best score + λ ·
 * share / best share`, λ = RESOLUTION_WEIGHT × support. Only the search's candidates are
 * ranked: they are the articles the request's filters (language, tags, status) allow, and a vote
 * for an article the search cannot reach at all is no reason to show it. Without votes the
 * scores are returned unchanged: no evidence, today's ranking.
 */
export function fuseResolutionVotes(
  scores: ReadonlyMap<string, number>,
  resolution: ResolutionVotes,
  weight = RESOLUTION_WEIGHT,
): Map<string, number> {
  const lambda = Math.min(1, Math.max(0, weight * resolution.support));
  const votes = resolution.votes.filter((vote) => scores.has(vote.articleId));
  const bestShare = Math.max(0, ...votes.map((vote) => vote.share));
  if (lambda === 0 || bestShare === 0) return new Map(scores);
  const bestScore = Math.max(0, ...scores.values());
  const fused = new Map<string, number>();
  for (const [articleId, score] of scores)
    fused.set(articleId, bestScore > 0 ? ((1 - lambda) * score) / bestScore : 0);
  for (const vote of votes)
    fused.set(vote.articleId, fused.get(vote.articleId)! + (lambda * vote.share) / bestShare);
  return fused;
}
