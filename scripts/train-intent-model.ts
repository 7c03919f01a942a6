/**
 * Builds the committed default intent model (knowledge/intents/trained/) from
 * knowledge/intents/default.yaml with the offline embedding model, so that `npm start` loads it
 * instead of training for ~15 s. Run it after editing the default taxonomy and commit the result;
 * until then the server notices the changed inputs (their hash is the file name) and trains.
 *
 *   npx tsx scripts/train-intent-model.ts
 */
import { rm } from 'node:fs/promises';
import { loadConfig } from '../src/config/config.js';
import { createEmbeddingModel } from '../src/providers/create-embedding-model.js';
import {
  shippedIntentModelDir,
  writeShippedIntentModel,
} from '../src/understanding/intent/shipped-intent-model.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.embeddings.provider !== 'local') {
    throw new Error(
      'The shipped model is for the default (local) embeddings; unset CUECARD_EMBEDDINGS.',
    );
  }
  const directory = shippedIntentModelDir(config.knowledgeDir);
  // Trained afresh, never read back: an existing file of the same key would be kept otherwise.
  await rm(directory, { recursive: true, force: true });
  const embeddings = await createEmbeddingModel(config);
  try {
    await writeShippedIntentModel(config.knowledgeDir, embeddings);
  } finally {
    await embeddings.close();
  }
  process.stdout.write(`Wrote the default intent model to ${directory}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
