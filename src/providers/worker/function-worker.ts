import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type {
  FunctionWorkerData,
  FunctionWorkerReply,
  FunctionWorkerRequest,
} from './deadline-worker.js';

/**
 * Worker entry of `createDeadlineWorker`: loads the synchronous function named by `workerData`,
 * then answers each call, one at a time. The function's module is imported here, in the thread.
 */
const { modulePath, exportName } = workerData as FunctionWorkerData;
const port = parentPort;
if (!port) throw new Error('function-worker runs in a worker thread');
const reply = (message: FunctionWorkerReply) => port.postMessage(message);

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

import(pathToFileURL(modulePath).href).then(
  (module: Record<string, unknown>) => {
    const run = module[exportName];
    if (typeof run !== 'function') {
      reply({ type: 'fatal', message: `${modulePath} has no function ${exportName}` });
      return;
    }
    port.on('message', (request: FunctionWorkerRequest) => {
      try {
        reply({ type: 'result', id: request.id, result: run(...request.args) as unknown });
      } catch (error) {
        reply({ type: 'error', id: request.id, message: errorMessage(error) });
      }
    });
    reply({ type: 'ready' });
  },
  (error: unknown) => reply({ type: 'fatal', message: errorMessage(error) }),
);
