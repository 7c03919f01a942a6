/**
 * The one base error of Cuecard. Every error a user can meet carries a stable `code`;
 * the HTTP status and the WebSocket `retryable` flag are derived from it in one place.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'unknown_message_type'
  | 'frame_too_large'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'sequence_gap'
  | 'sequence_conflict'
  | 'conversation_ended'
  | 'analyzer_failed'
  | 'analyzer_timeout'
  | 'provider_unavailable'
  | 'provider_reply_invalid'
  | 'data_invalid'
  | 'migration_failed'
  | 'pipeline_invalid'
  // Durable work only (never sent to a client): a run stopped between stages, or its lease went
  // to another instance; the work stays queued.
  | 'work_interrupted'
  | 'lease_lost'
  | 'internal';

const statusByCode: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_json: 400,
  unknown_message_type: 400,
  frame_too_large: 413,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  sequence_gap: 409,
  sequence_conflict: 409,
  conversation_ended: 409,
  analyzer_failed: 500,
  analyzer_timeout: 504,
  provider_unavailable: 503,
  provider_reply_invalid: 502,
  data_invalid: 400,
  migration_failed: 500,
  pipeline_invalid: 500,
  work_interrupted: 503,
  lease_lost: 409,
  internal: 500,
};

const marker = Symbol.for('cuecard.error');

export class CuecardError extends Error {
  readonly [marker] = true;
  readonly code: ErrorCode;
  /** Which input field was wrong, when one was. */
  readonly field: string | undefined;
  /** Whether retrying the same thing later can succeed. */
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      field?: string;
      retryable?: boolean;
      cause?: unknown;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CuecardError';
    this.code = code;
    this.field = options.field;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }

  get httpStatus(): number {
    return statusByCode[this.code];
  }

  static isInstance(value: unknown): value is CuecardError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
