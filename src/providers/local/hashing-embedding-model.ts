import type { EmbeddingModel } from '../spec/embedding-model.js';

/**
 * Feature-hashed bag of words (unigrams + character trigrams for unspaced scripts), L2
 * normalised. Not semantic: a dependency-free, any-language, deterministic model for tests and
 * for machines where the neural encoder cannot load.
 */
export function createHashingEmbeddingModel(dimensions = 256): EmbeddingModel {
  const hash = (token: string): number => {
    let value = 2166136261;
    for (let i = 0; i < token.length; i++) {
      value ^= token.charCodeAt(i);
      value = Math.imul(value, 16777619);
    }
    return value >>> 0;
  };
  return {
    id: `local/hashing-${dimensions}`,
    dimensions,
    languages: 'any',
    async embed(texts) {
      return texts.map((text) => {
        const vector = new Float32Array(dimensions);
        const tokens = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
        for (const token of tokens) {
          const grams =
            /[\u3400-\u9fff]/.test(token) && token.length > 2
              ? Array.from({ length: token.length - 1 }, (_, i) => token.slice(i, i + 2))
              : [token];
          for (const gram of grams) {
            const h = hash(gram);
            vector[h % dimensions]! += h & 0x80000000 ? -1 : 1;
          }
        }
        let norm = 0;
        for (const value of vector) norm += value * value;
        norm = Math.sqrt(norm) || 1;
        return vector.map((value) => value / norm);
      });
    },
  };
}
