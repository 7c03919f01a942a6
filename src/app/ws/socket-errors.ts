import type { WebSocket } from 'ws';
import { CuecardError } from '../../errors/cuecard-error.js';
import { databaseInputError } from '../../errors/database-input-error.js';
import { errorSummary } from '../../errors/error-summary.js';

/** Sends a JSON message if the socket is still open. */
export function send(socket: WebSocket, message: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/**
 * Reports an error over the socket. Faults of one message keep the socket open; only unexpected
 * internal errors are logged (by code, never with message text, which may quote a customer).
 */
export function sendError(
  socket: WebSocket,
  caught: unknown,
  context: Record<string, unknown>,
  log: (details: Record<string, unknown>, message: string) => void,
): void {
  // Input the schemas let through but the database refused: the message's fault, not
  // retryable (a connector would otherwise resend it forever). Logged, as a schema gap.
  const refused = databaseInputError(caught);
  if (refused)
    log(
      { code: refused.code, sqlState: refused.details?.sqlState, ...context },
      'database refused input',
    );
  const error = refused ?? caught;
  if (CuecardError.isInstance(error)) {
    const internal = error.httpStatus >= 500;
    if (internal) log({ code: error.code, ...context }, 'socket message failed');
    send(socket, {
      type: 'error',
      code: error.code,
      message: internal
        ? 'Internal error; the message was not processed. Retry it.'
        : error.message,
      // A 5xx may pass (a restart, a reconnected database); a refusal of the message never will.
      retryable: internal || error.retryable,
      ...(error.field ? { field: error.field } : {}),
      ...(error.details && !internal ? { details: error.details } : {}),
      ...context,
    });
    return;
  }
  log({ err: errorSummary(error), ...context }, 'socket message failed');
  send(socket, {
    type: 'error',
    code: 'internal',
    message: 'Internal error; the message was not processed. Retry it.',
    retryable: true,
    ...context,
  });
}
