import type { QueryPriority, SqlParam } from './database.js';

/**
 * Messages between the service and the embedded-database worker (`pglite-worker.ts`). Values
 * cross the thread boundary by structured clone, which keeps Date, Uint8Array, arrays and plain
 * objects as they are; errors are flattened by hand because a clone drops their `code` & co.
 */
export type WorkerRequest =
  | {
      type: 'query';
      id: number;
      sql: string;
      params: readonly SqlParam[];
      priority: QueryPriority;
      /** Set when the statement belongs to an open transaction. */
      tx?: number;
    }
  | { type: 'exec'; id: number; sql: string; priority: QueryPriority; tx?: number }
  | { type: 'begin'; id: number; tx: number }
  | { type: 'commit'; id: number; tx: number }
  | { type: 'rollback'; id: number; tx: number }
  | { type: 'close'; id: number };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'fatal'; error: SerializedError }
  | { type: 'result'; id: number; rows: unknown[]; affectedRows: number }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  /** Primitive own properties: the Postgres `code`, `severity`, `detail`, `constraint`, … */
  fields: Record<string, string | number | boolean>;
  cause: SerializedError | undefined;
}

/** Statement parameters are personal data (transcripts): they never travel back with an error. */
const droppedFields = new Set(['params', 'queryOptions', 'stack', 'message']);

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return {
      name: 'Error',
      message: String(error),
      stack: undefined,
      fields: {},
      cause: undefined,
    };
  }
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(error)) {
    if (droppedFields.has(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      fields[key] = value;
  }
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    fields,
    cause:
      error.cause !== undefined && depth < 3 ? serializeError(error.cause, depth + 1) : undefined,
  };
}

/** The error as the in-thread engine would have thrown it: same message, name and fields. */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(
    serialized.message,
    serialized.cause ? { cause: deserializeError(serialized.cause) } : undefined,
  );
  Object.assign(error, serialized.fields);
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}
