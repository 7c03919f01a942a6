/** A sparse vector: parallel arrays of feature indices (any order, no repeats) and values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** Named feature values, e.g. `w:refund` → 1. Models turn these into {@link SparseVector}s. */
export type FeatureBag = ReadonlyMap<string, number>;

/** Adds `value` to a feature in a bag under construction. */
export function addFeature(bag: Map<string, number>, name: string, value = 1): void {
  bag.set(name, (bag.get(name) ?? 0) + value);
}

/**
 * A fixed vocabulary of feature names, built from training data. Features seen in fewer
 * training examples than `minCount` are left out: they are mostly noise, and on large training
 * sets they are most of the memory.
 */
export class FeatureIndex {
  private constructor(private readonly index: ReadonlyMap<string, number>) {}

  static fit(bags: Iterable<FeatureBag>, minCount = 1): FeatureIndex {
    const counts = new Map<string, number>();
    for (const bag of bags) for (const name of bag.keys()) addFeature(counts, name);
    const index = new Map<string, number>();
    for (const [name, count] of counts) if (count >= minCount) index.set(name, index.size);
    return new FeatureIndex(index);
  }

  get size(): number {
    return this.index.size;
  }

  indexOf(name: string): number | undefined {
    return this.index.get(name);
  }

  /** Known, non-zero features of a bag; unknown names are dropped. */
  transform(bag: FeatureBag): SparseVector {
    const indices: number[] = [];
    const values: number[] = [];
    for (const [name, value] of bag) {
      const index = this.index.get(name);
      if (index === undefined || value === 0) continue;
      indices.push(index);
      values.push(value);
    }
    return { indices: Int32Array.from(indices), values: Float32Array.from(values) };
  }
}
