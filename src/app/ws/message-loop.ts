import type { WebSocket } from 'ws';
import type { z } from 'zod';
import { CuecardError } from '../../errors/cuecard-error.js';
import { errorSummary } from '../../errors/error-summary.js';
import { parseMessage } from './parse-message.js';
import { sendError } from './socket-errors.js';

type SocketLog = (details: Record<string, unknown>, message: string) => void;

export interface MessageLoopOptions<Schema extends z.ZodType> {
  /** The socket's message union and its `type` values (for the unknown-type error). */
  schema: Schema;
  knownTypes: readonly string[];
  maxFrameBytes: number;
  /** Handles one valid message; what it throws becomes an error frame, and the socket stays. */
  handle(message: z.infer<Schema>): Promise<void>;
  /** Ids echoed in the error frame (and logged) so the client knows which message failed. */
  contextOf?(message: z.infer<Schema>): Record<string, unknown>;
  log: SocketLog;
}

/**
 * The one message loop of our WebSockets: parse with the schema → handle → on failure an error
 * frame (`socket-errors.ts`). Messages of one socket are handled one at a time in arrival order,
 * so replies (acks) come back in the order messages were sent.
 */
export function runMessageLoop<Schema extends z.ZodType>(
  socket: WebSocket,
  options: MessageLoopOptions<Schema>,
): void {
  let chain: Promise<void> = Promise.resolve();
  socket.on('message', (data, isBinary) => {
    const raw = isBinary ? null : data.toString();
    chain = chain
      .then(() => handleFrame(socket, raw, options))
      // Only reporting the failure failed (e.g. the socket broke meanwhile): the next message
      // must still be handled, so the chain never stays rejected.
      .catch((error: unknown) =>
        options.log({ err: errorSummary(error) }, 'socket error frame could not be sent'),
      );
  });
}

/** One frame: `raw` is null for a binary frame. */
async function handleFrame<Schema extends z.ZodType>(
  socket: WebSocket,
  raw: string | null,
  options: MessageLoopOptions<Schema>,
): Promise<void> {
  let context: Record<string, unknown> = {};
  try {
    if (raw === null) {
      throw new CuecardError(
        'validation_failed',
        'Binary frames are not accepted; send JSON text frames.',
      );
    }
    const message = parseMessage(raw, options.schema, options.knownTypes, options.maxFrameBytes);
    context = options.contextOf?.(message) ?? {};
    await options.handle(message);
  } catch (error) {
    sendError(socket, error, context, options.log);
  }
}
