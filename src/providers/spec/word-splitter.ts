/**
 * Splits unspaced scripts (Chinese) into space-separated words before Postgres indexes or
 * queries them, since its full-text parser sees a run of Han characters as one "word".
 * Latin-script text passes through unchanged.
 */
export interface WordSplitter {
  split(text: string): string;
}
