import { vaderPolarity } from '../../providers/vader/vader-polarity.js';

/** English sentence sentiment in [-1, 1] (VADER compound). */
export function sentimentScore(text: string): number {
  return vaderPolarity(text).compound;
}
