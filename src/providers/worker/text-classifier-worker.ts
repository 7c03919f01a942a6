import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { TextClassification, TextClassifier } from '../spec/text-classifier.js';

/**
 * Runs one TextClassifier inside a worker thread, so that model inference never blocks the
 * service's event loop. The model comes from `workerData`: a module path and the name of its
 * async factory export (so that vendor code is imported here, in the thread, and only here).
 */
export interface TextClassifierWorkerData {
  modulePath: string;
  exportName: string;
  args: unknown[];
}

/** Messages from the pool to a worker. */
export type TextClassifierWorkerRequest = { type: 'classify'; id: number; texts: string[] };

/** Messages from a worker to the pool. */
export type TextClassifierWorkerReply =
  | { type: 'ready'; id: string; labels: string[] }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; results: TextClassification[] }
  | { type: 'error'; id: number; message: string };

const { modulePath, exportName, args } = workerData as TextClassifierWorkerData;
const port = parentPort!;
const reply = (message: TextClassifierWorkerReply) => port.postMessage(message);

async function load(): Promise<TextClassifier> {
  const module = (await import(pathToFileURL(modulePath).href)) as Record<
    string,
    (...a: unknown[]) => Promise<TextClassifier> | TextClassifier
  >;
  const factory = module[exportName];
  if (typeof factory !== 'function') throw new Error(`${modulePath} has no export ${exportName}`);
  return factory(...args);
}

load().then(
  (model) => {
    reply({ type: 'ready', id: model.id, labels: [...model.labels] });
    port.on('message', (request: TextClassifierWorkerRequest) => {
      model.classify(request.texts).then(
        (results) => reply({ type: 'result', id: request.id, results }),
        (error: unknown) =>
          reply({
            type: 'error',
            id: request.id,
            message: error instanceof Error ? error.message : String(error),
          }),
      );
    });
  },
  (error: unknown) => {
    // Name the underlying cause too ("could not load" alone does not say why), once.
    const message = error instanceof Error ? error.message : String(error);
    const cause =
      error instanceof Error &&
      error.cause instanceof Error &&
      !message.includes(error.cause.message)
        ? ` (${error.cause.message})`
        : '';
    reply({ type: 'fatal', message: `${message}${cause}` });
  },
);
