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
  /**
   * Messages of one lane are handled one at a time in arrival order; lanes proceed side by side.
   * Default: one lane per socket. Frames that do not parse go to the default lane.
   */
  laneOf?(message: z.infer<Schema>): string;
  log: SocketLog;
}

/**
 * The one message loop of our WebSockets: parse with the schema → handle → on failure an error
 * frame (`socket-errors.ts`). Messages of one lane (by default the whole socket) are handled one
 * at a time in arrival order, so their replies (acks) come back in the order they were sent; a
 * connector carrying many conversations on one socket gives each its own lane, so one slow
 * conversation does not hold up the others.
 */
export function runMessageLoop<Schema extends z.ZodType>(
  socket: WebSocket,
  options: MessageLoopOptions<Schema>,
): void {
  const lanes = new Map<string, Promise<void>>();
  socket.on('message', (data, isBinary) => {
    const frame = parseFrame(isBinary ? null : data.toString(), options);
    const lane = 'message' in frame && options.laneOf ? options.laneOf(frame.message) : '';
    const next = (lanes.get(lane) ?? Promise.resolve())
      .then(() => handleFrame(socket, frame, options))
      // Only reporting the failure failed (e.g. the socket broke meanwhile): the next message
      // must still be handled, so the chain never stays rejected.
      .catch((error: unknown) =>
        options.log({ err: errorSummary(error) }, 'socket error frame could not be sent'),
      );
    lanes.set(lane, next);
    // An idle lane is forgotten, so a socket that carried many conversations holds no chains.
    void next.then(() => {
      if (lanes.get(lane) === next) lanes.delete(lane);
    });
  });
}

type Frame<Schema extends z.ZodType> = { message: z.infer<Schema> } | { error: unknown };

function parseFrame<Schema extends z.ZodType>(
  raw: string | null,
  options: MessageLoopOptions<Schema>,
): Frame<Schema> {
  try {
    if (raw === null) {
      throw new CuecardError(
        'validation_failed',
        'Binary frames are not accepted; send JSON text frames.',
        // The whole frame is at fault; naming it lets a client point at the message it sent.
        { field: 'message' },
      );
    }
    return {
      message: parseMessage(raw, options.schema, options.knownTypes, options.maxFrameBytes),
    };
  } catch (error) {
    return { error };
  }
}

/** One frame, parsed or refused. */
async function handleFrame<Schema extends z.ZodType>(
  socket: WebSocket,
  frame: Frame<Schema>,
  options: MessageLoopOptions<Schema>,
): Promise<void> {
  if ('error' in frame) {
    sendError(socket, frame.error, {}, options.log);
    return;
  }
  const context = options.contextOf?.(frame.message) ?? {};
  try {
    await options.handle(frame.message);
  } catch (error) {
    sendError(socket, error, context, options.log);
  }
}
