/** One label of a classifier with the probability the model gives it. */
export interface LabelScore {
  readonly label: string;
  readonly score: number;
}

/**
 * Every label of the classifier for one text, best first. For a single-label model (sentiment,
 * intent) the scores are a softmax and sum to 1; a multi-label model scores each label on its own.
 */
export type TextClassification = readonly LabelScore[];

/**
 * Sorts texts into a fixed set of labels (e.g. a sentiment model's negative / neutral / positive).
 * One adapter per vendor under `providers/<vendor>/`; labels are the model's own names, so the
 * caller maps them onto its domain (a hub model may say `POSITIVE`, `positive` or `LABEL_1`).
 */
export interface TextClassifier {
  /** Stable id (e.g. `transformers/<model>`), recorded with results so that they can be traced. */
  readonly id: string;
  /** All labels the model can give, in the model's own order (label id 0 first). */
  readonly labels: readonly string[];
  /**
   * One classification per text, in the order of `texts`. Results may be shared between callers
   * (cached), hence read-only.
   */
  classify(
    texts: readonly string[],
    options?: { signal?: AbortSignal },
  ): Promise<TextClassification[]>;
  /** Frees the model (and any thread running it); later calls fail. */
  close(): Promise<void>;
}
