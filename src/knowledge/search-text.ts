import type { Queryable } from '../stores/database.js';
import type { EmbeddingModel } from '../providers/spec/embedding-model.js';
import { vectorParameter } from '../stores/vector-parameter.js';

// Implemented by providers (jieba); knowledge depends on the spec, never on a vendor package.
export type { WordSplitter } from '../providers/spec/word-splitter.js';

/**
 * One text-search configuration for every language: `english` stems English words and passes
 * pre-split CJK words through unchanged (checked in the tests), so queries and articles always
 * produce comparable lexemes, whatever language the conversation turns out to be in.
 */
export const SEARCH_CONFIG = 'english';

/** pgvector's text form of a vector parameter (see stores/vector-parameter.ts). */
export const vectorLiteral = vectorParameter;

export function embeddingIndexName(model: Pick<EmbeddingModel, 'id' | 'dimensions'>): string {
  let hash = 2166136261;
  for (const char of `${model.id}/${model.dimensions}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 16777619);
  }
  return `chunks_embedding_${(hash >>> 0).toString(16)}`;
}

/**
 * One HNSW (cosine) index per embedding model: a partial expression index over the
 * dimension-less column, so models of different sizes can coexist and each search uses the
 * index of its own model. Created on the first ingest with that model.
 */
export async function ensureEmbeddingIndex(
  db: Queryable,
  model: Pick<EmbeddingModel, 'id' | 'dimensions'>,
): Promise<void> {
  if (!Number.isInteger(model.dimensions) || model.dimensions <= 0 || model.dimensions > 16000) {
    throw new Error(`embedding model ${model.id} reports an invalid dimension ${model.dimensions}`);
  }
  const literal = `'${model.id.replace(/'/g, "''")}'`;
  await db.exec(
    `CREATE INDEX IF NOT EXISTS ${embeddingIndexName(model)} ON chunks
       USING hnsw ((embedding::vector(${model.dimensions})) vector_cosine_ops)
       WHERE embedding_model = ${literal}`,
  );
}

export function embeds(model: EmbeddingModel | null, language: string): model is EmbeddingModel {
  if (!model) return false;
  if (model.languages === 'any') return true;
  const base = language.toLowerCase().split(/[-_]/)[0] ?? language;
  return model.languages.includes(base);
}
