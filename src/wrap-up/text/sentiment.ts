import { createRequire } from 'node:module';

/**
 * English sentence sentiment in [-1, 1] (VADER compound). Only this file touches the package;
 * it has no type declarations, so its one function is typed here.
 */
interface Vader {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}

let vader: Vader | undefined;

export function sentimentScore(text: string): number {
  vader ??= createRequire(import.meta.url)('vader-sentiment') as Vader;
  return vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
}
