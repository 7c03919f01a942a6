import { Worker } from 'node:worker_threads';
import { CuecardError } from '../../errors/cuecard-error.js';
import { bootstrap, workerResourceLimits } from './worker-pool.js';

/** What says which function the thread runs: passed to `function-worker.ts` as `workerData`. */
export interface FunctionWorkerData {
  /** Absolute path of the module that exports the function. */
  modulePath: string;
  exportName: string;
}

/** One call: the function's arguments (structured clone). */
export interface FunctionWorkerRequest {
  id: number;
  args: unknown[];
}

export type FunctionWorkerReply =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string };

export interface DeadlineWorkerOptions extends FunctionWorkerData {
  /** How long one call may compute; past it the thread is ended and the call answers `late`. */
  deadlineMs: number;
  /** Names the work in error messages, e.g. "PII redaction". */
  name: string;
}

/** A call finished (`done`), or ran past the deadline and was stopped (`late`). */
export type DeadlineOutcome<Result> = { status: 'done'; result: Result } | { status: 'late' };

/**
 * One worker thread that runs a synchronous function of another module, one call at a time, so
 * that however long a call computes, the service's event loop only posts and receives. A call past
 * its deadline cannot be interrupted inside the thread: the thread is terminated (the function
 * holds no native resource, unlike the model workers of `startWorkerPool`), the call answers
 * `late`, and a fresh thread takes the next one. The thread starts with the first call; its
 * start-up does not count towards any deadline.
 */
export interface DeadlineWorker<Args extends unknown[], Result> {
  run(...args: Args): Promise<DeadlineOutcome<Result>>;
  /** Ends the thread; a call still queued or computing fails `provider_unavailable`. */
  close(): Promise<void>;
}

interface Call {
  args: unknown[];
  resolve: (outcome: DeadlineOutcome<unknown>) => void;
  reject: (error: unknown) => void;
}

interface Thread {
  worker: Worker;
  ready: boolean;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
const entry = new URL('./function-worker.ts', import.meta.url);

export function createDeadlineWorker<Args extends unknown[], Result>(
  options: DeadlineWorkerOptions,
): DeadlineWorker<Args, Result> {
  const { name, deadlineMs } = options;
  const queue: Call[] = [];
  let thread: Thread | undefined;
  let current: { call: Call; id: number; timer: NodeJS.Timeout } | undefined;
  let nextId = 1;
  let closed = false;

  function start(): Thread {
    const workerData: FunctionWorkerData = {
      modulePath: options.modulePath,
      exportName: options.exportName,
    };
    const worker = new Worker(bootstrap(entry), {
      eval: true,
      workerData,
      resourceLimits: workerResourceLimits,
    });
    const started: Thread = { worker, ready: false };
    worker.on('message', (reply: FunctionWorkerReply) => {
      // A terminated thread may still have had a reply in flight.
      if (thread !== started) return;
      switch (reply.type) {
        case 'ready':
          started.ready = true;
          worker.unref();
          pump();
          return;
        case 'fatal':
          lose(started, `failed to load: ${reply.message}`);
          return;
        case 'result':
          settle(reply.id, (call) => call.resolve({ status: 'done', result: reply.result }));
          return;
        case 'error':
          settle(reply.id, (call) =>
            call.reject(new CuecardError('internal', `${name} failed: ${reply.message}`)),
          );
          return;
      }
    });
    worker.on('error', (error: unknown) => lose(started, `crashed: ${errorMessage(error)}`));
    worker.on('exit', (code) => lose(started, `exited (code ${code})`));
    return started;
  }

  /** The thread died by itself: fail its call; one that never loaded fails everything queued. */
  function lose(lost: Thread, why: string) {
    if (thread !== lost) return;
    thread = undefined;
    void lost.worker.terminate();
    const failed = new CuecardError('provider_unavailable', `${name} worker ${why}`, {
      retryable: true,
    });
    if (current) {
      clearTimeout(current.timer);
      current.call.reject(failed);
      current = undefined;
    }
    if (!lost.ready) for (const call of queue.splice(0)) call.reject(failed);
    pump();
  }

  function settle(id: number, answer: (call: Call) => void) {
    if (!current || current.id !== id) return;
    clearTimeout(current.timer);
    const { call } = current;
    current = undefined;
    // An idle thread must not keep the process alive.
    thread?.worker.unref();
    answer(call);
    pump();
  }

  function late(id: number) {
    if (!current || current.id !== id) return;
    const { call } = current;
    current = undefined;
    const stopped = thread;
    thread = undefined;
    if (stopped) void stopped.worker.terminate();
    call.resolve({ status: 'late' });
    pump();
  }

  function pump() {
    if (closed || current || queue.length === 0) return;
    thread ??= start();
    if (!thread.ready) return;
    const call = queue.shift()!;
    const id = nextId++;
    try {
      thread.worker.postMessage({ id, args: call.args } satisfies FunctionWorkerRequest);
    } catch (error) {
      // Arguments that cannot be cloned: the caller's fault, the thread is fine.
      call.reject(error);
      pump();
      return;
    }
    thread.worker.ref();
    current = { call, id, timer: setTimeout(() => late(id), deadlineMs) };
  }

  return {
    run(...args) {
      if (closed) {
        return Promise.reject(
          new CuecardError('provider_unavailable', `${name} is closed`, { retryable: true }),
        );
      }
      return new Promise<DeadlineOutcome<Result>>((resolve, reject) => {
        queue.push({ args, resolve: resolve as Call['resolve'], reject });
        pump();
      });
    },
    async close() {
      closed = true;
      const failed = new CuecardError('provider_unavailable', `${name} is closed`, {
        retryable: true,
      });
      if (current) {
        clearTimeout(current.timer);
        current.call.reject(failed);
        current = undefined;
      }
      for (const call of queue.splice(0)) call.reject(failed);
      const stopped = thread;
      thread = undefined;
      if (stopped) await stopped.worker.terminate();
    },
  };
}
