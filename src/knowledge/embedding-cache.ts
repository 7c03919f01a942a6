import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddingModel } from '../providers/spec/embedding-model.js';

/**
 * Vectors of known texts, computed once by one embedding model: a first start that loads the
 * demo knowledge base reads them instead of running the encoder over every passage (~60 passages,
 * 5–20 s on two cores). A text is looked up by a hash of itself, so an edited passage is simply
 * not found and is embedded as before; vectors of another model are never used.
 */
export interface EmbeddingCache {
  readonly modelId: string;
  readonly vectors: ReadonlyMap<string, Float32Array>;
}

const format = 'cuecard.embedding-cache';

function textKey(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** The cache in `file` when it holds vectors of `model`; otherwise none (everything is embedded). */
export async function loadEmbeddingCache(
  file: string,
  model: Pick<EmbeddingModel, 'id' | 'dimensions'>,
): Promise<EmbeddingCache | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    // Missing or unreadable: a cache miss, never a reason to fail the start.
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { format: kind, modelId, dimensions, vectors } = parsed as Record<string, unknown>;
  if (kind !== format || modelId !== model.id || dimensions !== model.dimensions) return null;
  if (typeof vectors !== 'object' || vectors === null) return null;
  const map = new Map<string, Float32Array>();
  for (const [key, encoded] of Object.entries(vectors)) {
    if (typeof encoded !== 'string') continue;
    const bytes = new Uint8Array(Buffer.from(encoded, 'base64'));
    if (bytes.byteLength !== model.dimensions * 4) continue;
    map.set(key, new Float32Array(bytes.buffer));
  }
  return { modelId: model.id, vectors: map };
}

/** `model`, answering texts found in `cache` from it and sending only the others to the model. */
export function withEmbeddingCache(
  model: EmbeddingModel,
  cache: EmbeddingCache | null,
): EmbeddingModel {
  if (!cache || cache.modelId !== model.id) return model;
  return {
    id: model.id,
    dimensions: model.dimensions,
    languages: model.languages,
    async embed(texts, options) {
      const found = texts.map((text) => cache.vectors.get(textKey(text)));
      const missing = texts.filter((_, index) => found[index] === undefined);
      const computed = missing.length > 0 ? await model.embed(missing, options) : [];
      let next = 0;
      // A copy: the caller owns what it is given, and the cache stays as loaded.
      return found.map((vector) => (vector ? Float32Array.from(vector) : computed[next++]!));
    },
  };
}

/**
 * `model`, remembering every text it embeds and its vector; `save` writes them as a cache file
 * (`scripts/build-shipped-models.ts` records the demo knowledge base's first load this way).
 */
export function recordingEmbeddings(model: EmbeddingModel): EmbeddingModel & {
  save(file: string): Promise<number>;
} {
  const recorded = new Map<string, Float32Array>();
  return {
    id: model.id,
    dimensions: model.dimensions,
    languages: model.languages,
    async embed(texts, options) {
      const vectors = await model.embed(texts, options);
      texts.forEach((text, index) => recorded.set(textKey(text), vectors[index]!));
      return vectors;
    },
    async save(file) {
      const keys = [...recorded.keys()].sort();
      const vectors = Object.fromEntries(
        keys.map((key) => {
          const vector = recorded.get(key)!;
          return [
            key,
            Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64'),
          ];
        }),
      );
      await mkdir(path.dirname(file), { recursive: true });
      // Renamed into place: a crash never leaves half a file under the real name.
      const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(
        temporary,
        `${JSON.stringify({ format, modelId: model.id, dimensions: model.dimensions, vectors }, null, 1)}\n`,
      );
      await rename(temporary, file);
      return keys.length;
    },
  };
}

/** Where the vectors of a bundled knowledge folder are shipped, per embedding model. */
export function shippedEmbeddingsFile(knowledgeDir: string, modelId: string): string {
  return path.join(
    knowledgeDir,
    'embeddings',
    `articles.${modelId.replace(/[^a-z0-9.-]+/gi, '_')}.json`,
  );
}

/**
 * `deps` whose embedder first looks in the vectors shipped for `knowledgeDir`'s articles (when
 * they were made by the same model), for loading the bundled knowledge base on a first start.
 */
export async function withShippedEmbeddings<Deps extends { embedder: EmbeddingModel | null }>(
  deps: Deps,
  knowledgeDir: string,
): Promise<Deps> {
  const { embedder } = deps;
  if (!embedder) return deps;
  const cache = await loadEmbeddingCache(
    shippedEmbeddingsFile(knowledgeDir, embedder.id),
    embedder,
  );
  return { ...deps, embedder: withEmbeddingCache(embedder, cache) };
}
