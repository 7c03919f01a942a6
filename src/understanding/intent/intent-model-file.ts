import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { intentModelVersion, type IntentClassifierParameters } from './intent-classifier.js';
import type { IntentTaxonomy } from './taxonomy.js';

/**
 * A trained intent model saved to disk, so that a restart with an unchanged taxonomy loads it
 * instead of embedding every example and training again. The file name carries a hash of what
 * the model was trained from (taxonomy, embedding model, training code version): a model is
 * only ever loaded for exactly the inputs that produced it.
 */
export interface SavedIntentModel {
  parameters: IntentClassifierParameters;
  trainedAt: string;
  trainingMs: number;
}

const format = 'cuecard.intent-model';

/** Hash of everything training depends on; part of the file name. */
export function intentModelKey(taxonomy: IntentTaxonomy, embeddingModelId: string | null): string {
  // Display labels are not trained on: a taxonomy differing only in them keeps its model (the
  // shipped one included), and one without labels hashes exactly as before they existed.
  const trained = {
    ...taxonomy,
    intents: taxonomy.intents.map(({ labelZh: _label, ...intent }) => intent),
  };
  return createHash('sha256')
    .update(JSON.stringify({ version: intentModelVersion, embeddingModelId, taxonomy: trained }))
    .digest('hex')
    .slice(0, 24);
}

export function intentModelFileName(name: string, key: string): string {
  return `intent-${name}-${key}${extension}`;
}

/**
 * Gzipped JSON: the weights are base64 already, but the n-gram vocabulary and the base64 text
 * compress to a third (2.5 MB → 0.8 MB for the default model), which keeps the shipped model
 * a small file in the repository and the per-tenant ones small in the data folder.
 */
const extension = '.json.gz';

/** The saved model, or `undefined` when there is none or it cannot be read (then: retrain). */
export async function loadIntentModel(file: string): Promise<SavedIntentModel | undefined> {
  let text: string;
  try {
    text = gunzipSync(await readFile(file)).toString('utf8');
  } catch {
    return undefined;
  }
  try {
    return decode(JSON.parse(text) as unknown);
  } catch {
    // A truncated or foreign file is a cache miss, not a reason to fail the start.
    return undefined;
  }
}

/**
 * Writes the model next to a temporary name and renames it, so a crash mid-write never leaves
 * a half file under the real name; older models of the same `name` are removed.
 */
export async function saveIntentModel(file: string, model: SavedIntentModel): Promise<void> {
  const directory = path.dirname(file);
  await mkdir(directory, { recursive: true });
  // Unique per writer: two processes starting at once may both save the same model.
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, gzipSync(JSON.stringify(encode(model))));
  await rename(temporary, file);
  const prefix = path.basename(file).replace(/-[0-9a-f]+\.json\.gz$/, '-');
  for (const entry of await readdir(directory)) {
    if (entry.startsWith(prefix) && entry.endsWith(extension) && entry !== path.basename(file)) {
      await rm(path.join(directory, entry), { force: true });
    }
  }
}

function encode(model: SavedIntentModel): unknown {
  const { vectorizer, model: weights, ...rest } = model.parameters;
  return {
    format,
    version: intentModelVersion,
    trainedAt: model.trainedAt,
    trainingMs: model.trainingMs,
    ...rest,
    vectorizer: {
      options: vectorizer.options,
      vocabulary: vectorizer.vocabulary,
      idf: base64(vectorizer.idf),
    },
    model: {
      classCount: weights.classCount,
      denseSize: weights.denseSize,
      // The classifier trains single-precision sparse weights and biases.
      sparseWeights: base64(float32(weights.sparseWeights)),
      denseWeights: base64(weights.denseWeights),
      bias: base64(float32(weights.bias)),
    },
  };
}

function decode(value: unknown): SavedIntentModel {
  const file = record(value);
  if (file['format'] !== format || file['version'] !== intentModelVersion) {
    throw new TypeError('not an intent model of this version');
  }
  const vectorizer = record(file['vectorizer']);
  const weights = record(file['model']);
  const options = record(vectorizer['options']);
  const blockWeights = record(options['blockWeights']);
  const features = record(file['features']);
  const vocabulary = vectorizer['vocabulary'];
  const intents = file['intents'];
  if (!isStringArray(vocabulary) || !isStringArray(intents)) throw new TypeError('bad lists');
  const embeddingModelId = file['embeddingModelId'];
  if (embeddingModelId !== null && typeof embeddingModelId !== 'string') {
    throw new TypeError('bad embeddingModelId');
  }
  return {
    trainedAt: string(file['trainedAt']),
    trainingMs: number(file['trainingMs']),
    parameters: {
      intents,
      noneIndex: number(file['noneIndex']),
      threshold: number(file['threshold']),
      rankedLimit: number(file['rankedLimit']),
      embeddingModelId,
      features: { charMin: number(features['charMin']), charMax: number(features['charMax']) },
      vectorizer: {
        options: {
          minDf: number(options['minDf']),
          sublinearTf: boolean(options['sublinearTf']),
          blockWeights: Object.fromEntries(
            Object.entries(blockWeights).map(([block, weight]) => [block, number(weight)]),
          ),
        },
        vocabulary,
        idf: new Float32Array(bytes(vectorizer['idf'])),
      },
      model: {
        classCount: number(weights['classCount']),
        denseSize: number(weights['denseSize']),
        sparseWeights: new Float32Array(bytes(weights['sparseWeights'])),
        denseWeights: new Float64Array(bytes(weights['denseWeights'])),
        bias: new Float32Array(bytes(weights['bias'])),
      },
    },
  };
}

function float32(array: Float32Array | Float64Array): Float32Array {
  return array instanceof Float32Array ? array : Float32Array.from(array);
}

function base64(array: Float32Array | Float64Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/** Decoded bytes in a fresh, aligned buffer (a Buffer may sit at any offset of a shared pool). */
function bytes(value: unknown): ArrayBuffer {
  return new Uint8Array(Buffer.from(string(value), 'base64')).buffer;
}

function record(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new TypeError('expected an object');
  return value as Record<string, unknown>;
}

function string(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError('expected a string');
  return value;
}

function number(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new TypeError('expected a number');
  return value;
}

function boolean(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError('expected a boolean');
  return value;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
