import { createFastTextLanguageDetector } from './fasttext-language-detector.js';
import type { LanguageDetector } from './language-detector.js';

export type { LanguageDetector, LanguageGuess } from './language-detector.js';
export { UNDETERMINED } from './language-detector.js';

let shared: Promise<LanguageDetector> | undefined;

/** The default offline detector. Loaded once per process: every conversation shares it. */
export function createLanguageDetector(): Promise<LanguageDetector> {
  shared ??= createFastTextLanguageDetector().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
