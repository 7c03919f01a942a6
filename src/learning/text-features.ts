import { addFeature } from './sparse-vector.js';

/**
 * Word n-grams 1..maxN of a token list, counted into `bag` under `prefix` (`w:late delivery`).
 * The prefix is the TF-IDF block, so different views of one text can be weighted apart.
 */
export function addWordNgrams(
  bag: Map<string, number>,
  prefix: string,
  tokens: readonly string[],
  maxN: number,
): void {
  for (let n = 1; n <= maxN; n++)
    for (let i = 0; i + n <= tokens.length; i++)
      addFeature(bag, `${prefix}:${tokens.slice(i, i + n).join(' ')}`);
}

/**
 * Character n-grams min..max inside word boundaries (each word padded with spaces): they
 * survive typos, inflections and speech-recognition errors that break whole-word matches.
 */
export function addCharNgrams(
  bag: Map<string, number>,
  prefix: string,
  words: readonly string[],
  min: number,
  max: number,
): void {
  for (const word of words) {
    const padded = ` ${word} `;
    for (let n = min; n <= max; n++)
      for (let i = 0; i + n <= padded.length; i++)
        addFeature(bag, `${prefix}:${padded.slice(i, i + n)}`);
  }
}
