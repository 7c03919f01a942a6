/**
 * Builds what a first `npm start` would otherwise compute for ~20 s on two cores, from our own
 * files, with the offline embedding model:
 * - the default intent model (knowledge/intents/trained/), from knowledge/intents/default.yaml;
 * - the vectors of the demo knowledge base's passages (knowledge/embeddings/), recorded while
 *   loading knowledge/articles exactly as the first start does.
 * The server uses each only when its inputs hash the same, so after editing the taxonomy or an
 * article it computes as before until this is run again and the result committed.
 *
 *   npx tsx scripts/build-shipped-models.ts
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { createEmbeddingModel } from '../src/providers/create-embedding-model.js';
import { createJiebaWordSplitter } from '../src/providers/jieba/jieba-word-splitter.js';
import { recordingEmbeddings, shippedEmbeddingsFile } from '../src/knowledge/embedding-cache.js';
import { loadKnowledgeBaseIfEmpty } from '../src/knowledge/ingest.js';
import { openDatabase } from '../src/stores/open-database.js';
import { migrate } from '../src/stores/migrate.js';
import {
  shippedIntentModelDir,
  writeShippedIntentModel,
} from '../src/understanding/intent/shipped-intent-model.js';
import type { EmbeddingModel } from '../src/providers/spec/embedding-model.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.embeddings.provider !== 'local') {
    throw new Error('These are for the default (local) embeddings; unset CUECARD_EMBEDDINGS.');
  }
  const embeddings = await createEmbeddingModel(config);
  try {
    const directory = shippedIntentModelDir(config.knowledgeDir);
    // Trained afresh, never read back: an existing file of the same key would be kept otherwise.
    await rm(directory, { recursive: true, force: true });
    await writeShippedIntentModel(config.knowledgeDir, embeddings);
    process.stdout.write(`Wrote the default intent model to ${directory}\n`);
    const file = shippedEmbeddingsFile(config.knowledgeDir, embeddings.id);
    const count = await recordKnowledgeBase(config.knowledgeDir, embeddings, file);
    process.stdout.write(`Wrote ${count} passage vectors to ${file}\n`);
  } finally {
    await embeddings.close();
  }
}

/** Loads the bundled articles into a throw-away database, as a first start does, recording. */
async function recordKnowledgeBase(
  knowledgeDir: string,
  embeddings: EmbeddingModel,
  file: string,
): Promise<number> {
  const db = await openDatabase({});
  try {
    await migrate(db);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('shipped', 'Shipped vectors')`);
    const recording = recordingEmbeddings(embeddings);
    await loadKnowledgeBaseIfEmpty(
      { db, embedder: recording, splitter: createJiebaWordSplitter() },
      'shipped',
      path.join(knowledgeDir, 'articles'),
    );
    return await recording.save(file);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
