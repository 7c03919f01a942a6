/**
 * Splits text written without spaces between words (Chinese) into words. One adapter per vendor
 * under `providers/<vendor>/` (jieba today); callers see plain strings only.
 */
export interface WordSegmenter {
  /**
   * The pieces of `text` in order: words, and the punctuation and spaces between them (callers
   * read clause breaks from those).
   */
  segment(text: string): string[];
  /** Loads what the first `segment` call would (dictionaries); call at start, off the hot path. */
  warmUp(): void;
}
