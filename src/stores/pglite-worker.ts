import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { createPglite } from './pglite-database.js';
import { createStatementQueue, type Lane } from './statement-queue.js';
import { serializeError, type WorkerReply, type WorkerRequest } from './pglite-worker-protocol.js';

/**
 * The embedded database's own thread: one PGlite, its statements run here one at a time in the
 * order `statement-queue.ts` decides, so the service's event loop never runs SQL.
 */
interface WorkerOptions {
  dataDir: string | undefined;
  maxBackgroundWaitMs: number;
}

const { dataDir, maxBackgroundWaitMs } = workerData as WorkerOptions;
const port = parentPort!;
const queue = createStatementQueue<WorkerRequest>(maxBackgroundWaitMs);

const send = (reply: WorkerReply) => port.postMessage(reply);

/** Thrown inside PGlite's transaction callback to make it roll back. */
const rollbackRequested = Symbol('rollback requested');

interface OpenTransaction {
  id: number;
  tx: Transaction;
  decide: (commit: boolean) => void;
  /** Settles when PGlite has committed or rolled back. */
  ended: Promise<unknown>;
}

let open: OpenTransaction | undefined;
let running = false;
let closed = false;

function laneOf(request: WorkerRequest): Lane {
  switch (request.type) {
    case 'query':
    case 'exec':
      return request.tx !== undefined ? 'transaction' : request.priority;
    case 'commit':
    case 'rollback':
      return 'transaction';
    case 'begin':
      return 'interactive';
    case 'close':
      return 'close';
  }
}

function accept(request: WorkerRequest): void {
  queue.push(request, laneOf(request), performance.now());
}

/** Takes every message already waiting, so that the choice of the next job sees all of them. */
function drainPort(): void {
  for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port))
    accept(message.message as WorkerRequest);
}

function targetOf(db: PGlite, tx: number | undefined): Pick<Transaction, 'query' | 'exec'> {
  if (tx === undefined) return db;
  if (!open || open.id !== tx) throw new Error('Transaction is closed');
  return open.tx;
}

async function begin(db: PGlite, id: number): Promise<void> {
  let decide!: (commit: boolean) => void;
  const decision = new Promise<boolean>((resolve) => (decide = resolve));
  let started!: (tx: Transaction) => void;
  const opened = new Promise<Transaction>((resolve) => (started = resolve));
  const ended = db.transaction(async (tx) => {
    started(tx);
    if (!(await decision)) throw rollbackRequested;
  });
  // BEGIN itself can fail: then `ended` rejects before the callback ever runs.
  const tx = await Promise.race([opened, ended.then(() => undefined)]);
  if (!tx) throw new Error('Transaction did not start');
  open = { id, tx, decide, ended };
}

async function end(commit: boolean): Promise<void> {
  const current = open;
  if (!current) throw new Error('Transaction is closed');
  open = undefined;
  current.decide(commit);
  try {
    await current.ended;
  } catch (error) {
    if (error !== rollbackRequested) throw error;
  }
}

async function run(db: PGlite, request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'query': {
      const result = await targetOf(db, request.tx).query(request.sql, request.params as unknown[]);
      send({
        type: 'result',
        id: request.id,
        rows: result.rows,
        affectedRows: result.affectedRows ?? 0,
      });
      return;
    }
    case 'exec':
      await targetOf(db, request.tx).exec(request.sql);
      break;
    case 'begin':
      await begin(db, request.tx);
      break;
    case 'commit':
    case 'rollback':
      await end(request.type === 'commit');
      break;
    case 'close':
      await db.close();
      closed = true;
      send({ type: 'done', id: request.id });
      port.close();
      return;
  }
  send({ type: 'done', id: request.id });
}

async function pump(db: PGlite): Promise<void> {
  if (running) return;
  running = true;
  try {
    while (!closed) {
      drainPort();
      const request = queue.next(open !== undefined, performance.now());
      if (!request) return;
      try {
        await run(db, request);
      } catch (error) {
        send({ type: 'error', id: request.id, error: serializeError(error) });
      }
    }
  } finally {
    running = false;
  }
}

createPglite(dataDir).then(
  (db) => {
    port.on('message', (request: WorkerRequest) => {
      accept(request);
      void pump(db);
    });
    send({ type: 'ready' });
  },
  (error: unknown) => send({ type: 'fatal', error: serializeError(error) }),
);
