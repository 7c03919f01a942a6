import type { FinalizerContext } from '../pipeline/analyzer.js';

/**
 * Each turn's score from the live sentiment analyzer, by seq: what the agent saw during the call.
 * Wrap-up steps read the customer's mood from these so that "upset" means the same at the end as
 * on screen; turns without a score are left to the step's own fallback.
 */
export function liveSentimentScores(
  analyses: FinalizerContext<never, 'sentiment'>['analyses'],
): Record<number, number> {
  const scores: Record<number, number> = {};
  for (const [seq, byAnalyzer] of Object.entries(analyses)) {
    const value = byAnalyzer.sentiment?.score;
    if (value !== undefined) scores[Number(seq)] = value;
  }
  return scores;
}
