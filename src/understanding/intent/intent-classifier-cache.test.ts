import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { createIntentClassifierCache } from './intent-classifier-cache.js';
import type { IntentStore } from './intent-store.js';
import type { IntentTaxonomy } from './taxonomy.js';

const taxonomy: IntentTaxonomy = {
  name: 'default',
  intents: [
    {
      name: 'refund',
      examples: ['I want my money back', 'please refund my order', 'how do I get a refund'],
    },
    {
      name: 'password',
      examples: ['I forgot my password', 'reset my password please', 'I cannot log in'],
    },
  ],
  outOfScope: [],
};

/** No tenant has a taxonomy of its own: everyone gets the default model. */
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

describe('createIntentClassifierCache with a model folder', () => {
  let modelDir: string;
  beforeEach(async () => {
    modelDir = await mkdtemp(path.join(tmpdir(), 'cuecard-intent-models-'));
  });
  afterEach(async () => {
    await rm(modelDir, { recursive: true, force: true });
  });

  it('loads the saved default model on restart instead of training again', async () => {
    const first = countingEmbeddings();
    const before = await createIntentClassifierCache({
      store: emptyStore,
      defaultTaxonomy: taxonomy,
      embeddingModel: first,
      modelDir,
    }).get('tenant-a');
    expect(first.embedded).toBe(6);
    expect(await readdir(modelDir)).toHaveLength(1);

    const second = countingEmbeddings();
    const after = await createIntentClassifierCache({
      store: emptyStore,
      defaultTaxonomy: taxonomy,
      embeddingModel: second,
      modelDir,
    }).get('tenant-a');
    // Only the question is embedded: the examples were not embedded, nor the model trained.
    const question = 'could you refund me';
    const [restored, original] = await Promise.all([
      after.classifier.predict(question),
      before.classifier.predict(question),
    ]);
    expect(second.embedded).toBe(1);
    expect(after.trainedAt).toBe(before.trainedAt);
    expect(restored).toEqual(original);
    expect(restored.intent).toBe('refund');
  });

  it('retrains when the taxonomy changes, and keeps only the newest model', async () => {
    const open = (defaultTaxonomy: IntentTaxonomy, embeddings: EmbeddingModel) =>
      createIntentClassifierCache({
        store: emptyStore,
        defaultTaxonomy,
        embeddingModel: embeddings,
        modelDir,
      }).get('tenant-a');
    await open(taxonomy, countingEmbeddings());
    const [oldFile] = await readdir(modelDir);

    const changed: IntentTaxonomy = {
      ...taxonomy,
      intents: [
        ...taxonomy.intents,
        { name: 'order_status', examples: ['where is my package', 'track my order'] },
      ],
    };
    const embeddings = countingEmbeddings();
    const trained = await open(changed, embeddings);
    expect(embeddings.embedded).toBe(8);
    expect(trained.classifier.intents).toContain('order_status');
    const files = await readdir(modelDir);
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe(oldFile);
  });

  it('retrains when the saved model is damaged or was made with another embedding model', async () => {
    await createIntentClassifierCache({
      store: emptyStore,
      defaultTaxonomy: taxonomy,
      embeddingModel: countingEmbeddings(),
      modelDir,
    }).get('tenant-a');
    const [file] = await readdir(modelDir);
    await writeFile(path.join(modelDir, file!), '{"format": "cuecard.intent-model", "vers');

    const embeddings = countingEmbeddings();
    const trained = await createIntentClassifierCache({
      store: emptyStore,
      defaultTaxonomy: taxonomy,
      embeddingModel: embeddings,
      modelDir,
    }).get('tenant-a');
    expect(embeddings.embedded).toBe(6);
    expect((await trained.classifier.predict('I forgot my password again')).intent).toBe(
      'password',
    );

    // Words only (no embedding model) is a different model: it must not load the one above.
    const wordsOnly = await createIntentClassifierCache({
      store: emptyStore,
      defaultTaxonomy: taxonomy,
      modelDir,
    }).get('tenant-a');
    expect(wordsOnly.classifier.usesEmbeddings).toBe(false);
  });
});

describe('createIntentClassifierCache.refresh', () => {
  it('retrains only when the stored taxonomy is newer than the model in use', async () => {
    let stored: { version: number; taxonomy: IntentTaxonomy } | null = null;
    const store: IntentStore = {
      save: () => Promise.reject(new Error('not used')),
      load: () =>
        Promise.resolve(
          stored && {
            ...stored.taxonomy,
            tenantId: 't',
            version: stored.version,
            source: 'api' as const,
            createdAt: new Date().toISOString(),
          },
        ),
      versions: () =>
        Promise.resolve(
          stored ? [{ version: stored.version, name: 'x', source: 'api', createdAt: '' }] : [],
        ),
    };
    const embeddings = countingEmbeddings();
    const cache = createIntentClassifierCache({
      store,
      defaultTaxonomy: taxonomy,
      embeddingModel: embeddings,
    });
    // A tenant this instance never served: nothing to refresh, nothing trained.
    await cache.refresh('t');
    expect(embeddings.embedded).toBe(0);
    expect((await cache.get('t')).version).toBeNull();
    const afterDefault = embeddings.embedded;
    await cache.refresh('t');
    expect(embeddings.embedded).toBe(afterDefault);

    // Another instance saved version 1: this one retrains and swaps it in.
    stored = { version: 1, taxonomy: { ...taxonomy, name: 'saved elsewhere' } };
    await cache.refresh('t');
    expect(await cache.get('t')).toMatchObject({ version: 1, taxonomyName: 'saved elsewhere' });
    const afterRetrain = embeddings.embedded;
    expect(afterRetrain).toBeGreaterThan(afterDefault);
    // The notice of a change this instance already trained on (its own save) costs no training.
    await cache.refresh('t');
    expect(embeddings.embedded).toBe(afterRetrain);
  });
});
