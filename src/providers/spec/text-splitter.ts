/**
 * Splits a long text into overlapping passages for retrieval. One adapter per vendor under
 * `providers/<vendor>/` (langchain today); passages are plain strings.
 */
export interface TextSplitter {
  split(text: string): Promise<string[]>;
}

export interface TextSplitterOptions {
  /** Largest passage, in characters. */
  size: number;
  /** Characters a passage repeats from the end of the one before, so no sentence is cut off. */
  overlap: number;
  /** Boundaries to split at, most preferred first; `''` (between any two characters) last. */
  separators: readonly string[];
}
