import path from 'node:path';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { createIntentClassifierCache } from './intent-classifier-cache.js';
import type { IntentStore } from './intent-store.js';
import { loadTaxonomyFile } from './taxonomy.js';

/** Where the default taxonomy's trained model is committed, beside the taxonomy it is built from. */
export function shippedIntentModelDir(knowledgeDir: string): string {
  return path.join(knowledgeDir, 'intents', 'trained');
}

/** No tenant data: the shipped model is built from the default taxonomy alone. */
const noTenants: IntentStore = {
  save: () => Promise.reject(new Error('the shipped model reads no tenant data')),
  load: () => Promise.resolve(null),
  versions: () => Promise.resolve([]),
};

/**
 * Trains the default taxonomy's model with `embeddingModel` and writes it to the shipped folder,
 * replacing the model of older inputs. The server loads it whenever its inputs hash the same, so
 * a first start trains nothing; after any change to the taxonomy it trains as before until this
 * is run again (`scripts/build-shipped-models.ts`).
 */
export async function writeShippedIntentModel(
  knowledgeDir: string,
  embeddingModel: EmbeddingModel,
): Promise<void> {
  const cache = createIntentClassifierCache({
    store: noTenants,
    defaultTaxonomy: await loadTaxonomyFile(path.join(knowledgeDir, 'intents', 'default.yaml')),
    embeddingModel,
    // Saved as the cache saves any trained model: same format, same file name, same key.
    modelDir: shippedIntentModelDir(knowledgeDir),
  });
  await cache.warmUp();
}
