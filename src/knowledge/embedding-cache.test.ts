import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddingModel } from '../providers/spec/embedding-model.js';
import { createJiebaWordSplitter } from '../providers/jieba/jieba-word-splitter.js';
import { openDatabase } from '../stores/open-database.js';
import { migrate } from '../stores/migrate.js';
import type { Database } from '../stores/database.js';
import {
  loadEmbeddingCache,
  recordingEmbeddings,
  withEmbeddingCache,
  withShippedEmbeddings,
} from './embedding-cache.js';
import { loadKnowledgeBaseIfEmpty } from './ingest.js';

/** Characters hashed into 8 dimensions; counts the texts it is asked for. */
function countingModel(
  id = 'test-chars-8',
  dimensions = 8,
  languages: EmbeddingModel['languages'] = 'any',
): EmbeddingModel & { asked: string[] } {
  const asked: string[] = [];
  return {
    id,
    dimensions,
    languages,
    asked,
    embed(texts) {
      asked.push(...texts);
      return Promise.resolve(
        texts.map((text) => {
          const vector = new Float32Array(dimensions);
          for (const char of text) vector[char.codePointAt(0)! % dimensions]! += 1;
          return vector;
        }),
      );
    },
  };
}

describe('embedding cache', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cuecard-embedding-cache-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers recorded texts from the file, embeds only the others, in order', async () => {
    const file = path.join(dir, 'vectors.json');
    const recording = recordingEmbeddings(countingModel());
    const recorded = await recording.embed(['退款三天到账', 'Refunds take 3 days']);
    expect(await recording.save(file)).toBe(2);

    const model = countingModel();
    const cached = withEmbeddingCache(model, await loadEmbeddingCache(file, model));
    const vectors = await cached.embed(['Refunds take 3 days', 'A new passage', '退款三天到账']);
    expect(model.asked).toEqual(['A new passage']);
    expect(vectors[0]).toEqual(recorded[1]);
    expect(vectors[2]).toEqual(recorded[0]);
    expect(vectors[1]).toEqual((await countingModel().embed(['A new passage']))[0]);
  });

  it('never serves vectors of another model, nor from a missing or damaged file', async () => {
    const file = path.join(dir, 'other.json');
    const recording = recordingEmbeddings(countingModel('model-a'));
    await recording.embed(['hello']);
    await recording.save(file);
    expect(await loadEmbeddingCache(file, countingModel('model-b'))).toBeNull();
    expect(await loadEmbeddingCache(file, countingModel('model-a', 16))).toBeNull();
    expect(await loadEmbeddingCache(path.join(dir, 'missing.json'), countingModel())).toBeNull();
  });
});

describe('the shipped vectors of the demo knowledge base', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('t1', 'Test')`);
  });
  afterAll(async () => {
    await db.close();
  });

  it('cover every passage a first start embeds (run scripts/build-shipped-models.ts after editing an article)', async () => {
    // Stands in for the bundled encoder (same id, size and languages): it must be asked nothing.
    const encoder = countingModel('local/use-lite-512', 512, ['en']);
    const deps = { db, embedder: encoder, splitter: createJiebaWordSplitter() };
    const report = await loadKnowledgeBaseIfEmpty(
      await withShippedEmbeddings(deps, path.resolve('knowledge')),
      't1',
      path.resolve('knowledge', 'articles'),
    );
    expect(report?.embedded).toBeGreaterThan(40);
    expect(encoder.asked).toEqual([]);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM chunks WHERE tenant_id = 't1' AND embedding IS NOT NULL`,
    );
    expect(rows[0]!.n).toBe(report!.embedded);
  }, 60_000);
});
