import type { Hit } from './search-hits.js';

/** How the keyword and vector rankings of a hybrid search become one article ranking. */

const RRF_K = 60;
/** Sum of 1 / (k + rank) over both rankings. */
export function reciprocalRankFusion(
  keyword: Map<string, Hit>,
  vector: Map<string, Hit>,
): Map<string, number> {
  const fused = new Map<string, number>();
  for (const ranking of [keyword, vector]) {
    let rank = 0;
    for (const articleId of ranking.keys()) {
      rank++;
      fused.set(articleId, (fused.get(articleId) ?? 0) + 1 / (RRF_K + rank));
    }
  }
  return fused;
}

/**
 * Keyword score divided by the best keyword score, cosine divided by the best cosine, mixed
 * with VECTOR_WEIGHT. Both ratios ignore how deep the candidate lists go (min-max scaling over
 * a truncated list stretched tiny cosine differences into big ones and cost 7 points of hit@1).
 * Without vectors this is the keyword ranking itself.
 */
export function relativeScoreFusion(
  keyword: Map<string, Hit>,
  vector: Map<string, Hit>,
  weight: number,
): Map<string, number> {
  const fused = new Map<string, number>();
  const maxKeyword = Math.max(0, ...[...keyword.values()].map((hit) => hit.score));
  const maxSim = Math.max(0, ...[...vector.values()].map((hit) => hit.score));
  const vectorWeight = vector.size > 0 && maxSim > 0 ? Math.min(1, Math.max(0, weight)) : 0;
  for (const [articleId, hit] of keyword)
    fused.set(articleId, maxKeyword > 0 ? ((1 - vectorWeight) * hit.score) / maxKeyword : 0);
  if (vectorWeight > 0) {
    for (const [articleId, hit] of vector)
      fused.set(
        articleId,
        (fused.get(articleId) ?? 0) + (vectorWeight * Math.max(0, hit.score)) / maxSim,
      );
  }
  return fused;
}
