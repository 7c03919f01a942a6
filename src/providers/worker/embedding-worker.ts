import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { EmbeddingModel } from '../spec/embedding-model.js';

/**
 * Runs one EmbeddingModel inside a worker thread, so that model inference never blocks the
 * service's event loop. The model comes from `workerData`: a module path and the name of its
 * async factory export.
 */
interface WorkerData {
  modulePath: string;
  exportName: string;
  args: unknown[];
}
type Request = { id: number; texts: string[] };

const { modulePath, exportName, args } = workerData as WorkerData;
const port = parentPort!;

async function load(): Promise<EmbeddingModel> {
  const module = (await import(pathToFileURL(modulePath).href)) as Record<
    string,
    (...a: unknown[]) => Promise<EmbeddingModel> | EmbeddingModel
  >;
  const factory = module[exportName];
  if (typeof factory !== 'function') throw new Error(`${modulePath} has no export ${exportName}`);
  return factory(...args);
}

load().then(
  (model) => {
    port.postMessage({
      type: 'ready',
      id: model.id,
      dimensions: model.dimensions,
      languages: model.languages,
    });
    port.on('message', (request: Request) => {
      model.embed(request.texts).then(
        (vectors) => {
          // Transfer the buffers instead of copying them.
          port.postMessage(
            { type: 'result', id: request.id, vectors },
            vectors.map((vector) => vector.buffer as ArrayBuffer),
          );
        },
        (error: unknown) =>
          port.postMessage({
            type: 'error',
            id: request.id,
            message: error instanceof Error ? error.message : String(error),
          }),
      );
    });
  },
  (error: unknown) => {
    // Name the underlying cause too: "could not load" alone does not say why.
    const cause =
      error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    port.postMessage({
      type: 'fatal',
      message: `${error instanceof Error ? error.message : String(error)}${cause}`,
    });
  },
);
