import { extractNamedEntities } from '../../providers/wink/extract-named-entities.js';

/** Named quantities in English text (dates, times, durations, money...). */
export interface TextEntity {
  type: string;
  value: string;
}

export function extractEntities(text: string): TextEntity[] {
  return extractNamedEntities(text).map((entity) => ({
    type: entity.type,
    // "Friday." at the end of a sentence: the date is "Friday".
    value: entity.value.replace(/[.,;:]+$/, ''),
  }));
}
