import vader from 'vader-sentiment';

/**
 * The one place that touches `vader-sentiment` (VADER: negation, boosters, "but", caps and
 * punctuation over a valence word list). The package ships no types; see vader-sentiment.d.ts.
 */
export interface VaderPolarity {
  /** Normalised sum of the valences, -1..1. */
  compound: number;
  /** Shares of positive, negative and neutral words, each 0..1. */
  positive: number;
  negative: number;
  neutral: number;
}

export function vaderPolarity(text: string): VaderPolarity {
  const scores = vader.SentimentIntensityAnalyzer.polarity_scores(text);
  return {
    compound: scores.compound,
    positive: scores.pos,
    negative: scores.neg,
    neutral: scores.neu,
  };
}
