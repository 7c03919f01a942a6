import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { WorkerModelData, WorkerReply, WorkerRequest } from './worker-pool.js';

/** How a worker entry runs its kind of model (embedding, classifier…). */
export interface ModelServer<Model, Info, Result> {
  /** What the pool learns about the model once it has loaded. */
  describe(model: Model): Info;
  run(model: Model, texts: string[]): Promise<Result[]>;
  /** Buffers of the results to move to the pool instead of copying them. */
  transfer?(results: Result[]): ArrayBuffer[];
}

/**
 * The body of a worker entry (see `startWorkerPool`): loads the model named by `workerData` (a
 * module path and the name of its async factory export, so that vendor code is imported here, in
 * the thread, and only here), then answers each batch the pool sends, so that model inference
 * never blocks the service's event loop.
 */
export function serveModel<Model, Info, Result>(server: ModelServer<Model, Info, Result>): void {
  const { modulePath, exportName, args } = workerData as WorkerModelData;
  const port = parentPort;
  if (!port) throw new Error('serveModel() runs in a worker thread');
  const reply = (message: WorkerReply<Info, Result>, transfer: ArrayBuffer[] = []) =>
    port.postMessage(message, transfer);

  async function load(): Promise<Model> {
    const module = (await import(pathToFileURL(modulePath).href)) as Record<
      string,
      (...a: unknown[]) => Promise<Model> | Model
    >;
    const factory = module[exportName];
    if (typeof factory !== 'function') throw new Error(`${modulePath} has no export ${exportName}`);
    return factory(...args);
  }

  load().then(
    (model) => {
      reply({ type: 'ready', info: server.describe(model) });
      let running = 0;
      let closing = false;
      const exitWhenIdle = () => {
        // Nothing native is running any more: the thread can end (in a worker thread,
        // process.exit ends that thread only).
        if (closing && running === 0) process.exit(0);
      };
      port.on('message', (request: WorkerRequest) => {
        if (request.type === 'close') {
          closing = true;
          exitWhenIdle();
          return;
        }
        running++;
        server
          .run(model, request.texts)
          .then(
            (results) =>
              reply({ type: 'result', id: request.id, results }, server.transfer?.(results)),
            (error: unknown) =>
              reply({
                type: 'error',
                id: request.id,
                message: error instanceof Error ? error.message : String(error),
              }),
          )
          .finally(() => {
            running--;
            exitWhenIdle();
          });
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
}
