/** Turns texts into vectors. One adapter per vendor under `providers/<vendor>/`. */
export interface EmbeddingModel {
  /** Stable id, stored next to each vector so that a model change forces re-embedding. */
  readonly id: string;
  readonly dimensions: number;
  /** Languages it is good at (e.g. ['en']); other languages fall back to keyword search. */
  readonly languages: readonly string[] | 'any';
  embed(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array[]>;
}
