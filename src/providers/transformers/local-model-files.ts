import { access } from 'node:fs/promises';
import path from 'node:path';
import { CuecardError } from '../../errors/cuecard-error.js';

/**
 * The files transformers.js reads for a feature-extraction model, relative to
 * `<modelsDir>/<modelId>/` (the hub's own layout, so a downloaded snapshot can be copied there).
 */
export const requiredModelFiles = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
] as const;

/**
 * Fails with a message that names the folder looked in, the missing files and the ways out.
 * Kept free of the transformers import so that the main thread can check before it starts
 * worker threads: a misconfigured deployment stops at start, not at its first embedding.
 */
export async function assertLocalModelFiles(modelsDir: string, modelId: string): Promise<string> {
  const dir = path.resolve(modelsDir, modelId);
  const missing: string[] = [];
  for (const file of requiredModelFiles) {
    try {
      await access(path.join(dir, file));
    } catch {
      missing.push(file);
    }
  }
  if (missing.length > 0) {
    const problem =
      missing.length === requiredModelFiles.length
        ? `Transformers model "${modelId}" was not found: no model files in ${dir}.`
        : `Transformers model "${modelId}" in ${dir} is incomplete: missing ${missing.join(', ')}.`;
    throw new CuecardError(
      'provider_unavailable',
      `${problem} Copy the model's files there (${requiredModelFiles.join(', ')}, as in its ` +
        `Hugging Face repository), or set CUECARD_MODELS_DIR to the folder that holds ` +
        `"${modelId}/", or set CUECARD_ALLOW_MODEL_DOWNLOAD=true to download it from the ` +
        'Hugging Face Hub at start (connected deployments only).',
      { details: { modelId, path: dir, missing } },
    );
  }
  return dir;
}

/**
 * Starts the worker threads that run a model from `<modelsDir>/<modelId>/`, checking the folder
 * here as well as in each worker: one clear error before any thread starts (`explain` may reword
 * it). A missing model with downloads allowed is fetched first by one thread alone, so that
 * several do not write the same files at once; then all of them load the copy in the folder.
 * `start(true)` is that one downloading thread, `start(false)` the pool that is returned.
 */
export async function startWithLocalModel<Model extends { close(): Promise<void> }>(options: {
  modelsDir: string;
  modelId: string;
  allowDownload: boolean;
  start: (download: boolean) => Promise<Model>;
  explain?: (error: unknown) => unknown;
}): Promise<Model> {
  const present = await assertLocalModelFiles(options.modelsDir, options.modelId).then(
    () => true,
    (error: unknown) => {
      if (!options.allowDownload) throw options.explain ? options.explain(error) : error;
      return false;
    },
  );
  if (!present) await (await options.start(true)).close();
  return options.start(false);
}
