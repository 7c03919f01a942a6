import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { createIntentClassifierCache } from './intent-classifier-cache.js';
import { intentModelFileName, intentModelKey } from './intent-model-file.js';
import type { IntentStore } from './intent-store.js';
import { loadTaxonomyFile, type IntentTaxonomy } from './taxonomy.js';
import { shippedIntentModelDir, writeShippedIntentModel } from './shipped-intent-model.js';

const emptyStore: IntentStore = {
  save: () => Promise.reject(new Error('not used')),
  load: () => Promise.resolve(null),
  versions: () => Promise.resolve([]),
};

/** Bag-of-words hashed into 16 dimensions; counts what it embeds, as training would show. */
function countingEmbeddings(): EmbeddingModel & { embedded: number } {
  const model = {
    id: 'test-hash-16',
    dimensions: 16,
    languages: ['en'] as const,
    embedded: 0,
    embed(texts: readonly string[]): Promise<Float32Array[]> {
      model.embedded += texts.length;
      return Promise.resolve(
        texts.map((text) => {
          const vector = new Float32Array(16);
          for (const word of text.toLowerCase().split(/\s+/)) {
            let hash = 0;
            for (const char of word) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
            vector[hash % 16]! += 1;
          }
          return vector;
        }),
      );
    },
  };
  return model;
}

const repositoryKnowledge = path.resolve('knowledge');

describe('the shipped default intent model', () => {
  it('is committed for the default taxonomy and the offline embeddings (run scripts/build-shipped-models.ts after editing default.yaml)', async () => {
    const taxonomy = await loadTaxonomyFile(
      path.join(repositoryKnowledge, 'intents', 'default.yaml'),
    );
    // The id of the bundled Universal Sentence Encoder (providers/local/use-embedding-model.ts).
    const file = intentModelFileName('default', intentModelKey(taxonomy, 'local/use-lite-512'));
    expect(await readdir(shippedIntentModelDir(repositoryKnowledge))).toEqual([file]);
  });
});

describe('createIntentClassifierCache with a shipped model', () => {
  let knowledgeDir: string;
  let cacheDir: string;
  let taxonomy: IntentTaxonomy;
  beforeEach(async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'cuecard-shipped-intents-'));
    knowledgeDir = path.join(work, 'knowledge');
    cacheDir = path.join(work, 'trained');
    await cp(
      path.join(repositoryKnowledge, 'intents', 'default.yaml'),
      path.join(knowledgeDir, 'intents', 'default.yaml'),
    );
    taxonomy = await loadTaxonomyFile(path.join(knowledgeDir, 'intents', 'default.yaml'));
    await writeShippedIntentModel(knowledgeDir, countingEmbeddings());
  });
  afterEach(async () => {
    await rm(path.dirname(knowledgeDir), { recursive: true, force: true });
  });

  const open = (defaultTaxonomy: IntentTaxonomy, embeddingModel: EmbeddingModel) =>
    createIntentClassifierCache({
      store: emptyStore,
      defaultTaxonomy,
      embeddingModel,
      modelDir: cacheDir,
      shippedModelDir: shippedIntentModelDir(knowledgeDir),
    });

  it('answers from the shipped model on a first start, training nothing', async () => {
    const embeddings = countingEmbeddings();
    const trained = await open(taxonomy, embeddings).get('tenant-a');
    expect(embeddings.embedded).toBe(0);
    expect((await trained.classifier.predict('I want my money back please')).intent).toBe(
      'refund_request',
    );
    expect((await trained.classifier.predict('我要退款')).intent).toBe('refund_request');
    // Nothing was trained, so nothing was cached either.
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('trains when the taxonomy differs from the one the shipped model was built from', async () => {
    const changed: IntentTaxonomy = {
      ...taxonomy,
      intents: [
        ...taxonomy.intents,
        { name: 'pet_adoption', examples: ['I want to adopt a kitten', '我想领养一只小猫'] },
      ],
    };
    const embeddings = countingEmbeddings();
    const trained = await open(changed, embeddings).get('tenant-a');
    expect(embeddings.embedded).toBeGreaterThan(0);
    expect(trained.classifier.intents).toContain('pet_adoption');
    // The shipped folder is read-only to the server: the new model goes to the data cache.
    expect(await readdir(shippedIntentModelDir(knowledgeDir))).toHaveLength(1);
    expect(await readdir(cacheDir)).toHaveLength(1);
  });

  it('trains when the embedding model differs from the one the shipped model was built with', async () => {
    const other = { ...countingEmbeddings(), id: 'another-encoder' };
    let embedded = 0;
    const trained = await open(taxonomy, {
      ...other,
      embed: (texts) => {
        embedded += texts.length;
        return other.embed(texts);
      },
    }).get('tenant-a');
    expect(embedded).toBeGreaterThan(0);
    expect(trained.classifier.usesEmbeddings).toBe(true);
  });
});
