import type { z } from 'zod';
import { CuecardError } from '../../errors/cuecard-error.js';
import { assertSafeInput } from '../validation/safe-input.js';

/**
 * Turns one raw frame into a typed message, or a CuecardError that names what was wrong
 * (bad JSON, unknown type, or the first invalid field) and how to fix it.
 */
export function parseMessage<Schema extends z.ZodType>(
  raw: string,
  schema: Schema,
  knownTypes: readonly string[],
  maxBytes: number,
): z.infer<Schema> {
  const bytes = Buffer.byteLength(raw);
  if (bytes > maxBytes) {
    throw new CuecardError(
      'frame_too_large',
      `Message of ${bytes} bytes is over the limit of ${maxBytes} bytes; split it or raise CUECARD_MAX_FRAME_BYTES.`,
      { details: { bytes, maxBytes } },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new CuecardError(
      'malformed_json',
      `Message is not valid JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CuecardError(
      'validation_failed',
      'Message must be a JSON object with a "type" field.',
      { field: 'type' },
    );
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !knownTypes.includes(type)) {
    throw new CuecardError(
      'unknown_message_type',
      `Unknown message type ${describeType(type)}; expected one of: ${knownTypes.join(', ')}.`,
      { field: 'type' },
    );
  }
  // Before the schema: NUL, lone surrogates and runaway nesting anywhere in the message (text,
  // ids, free-form objects) are refused with the field, instead of failing later in the database.
  assertSafeInput(value, 'message');
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const first = issues[0];
    const field = first?.path.join('.') || 'message';
    throw new CuecardError(
      'validation_failed',
      issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`).join('; '),
      {
        field,
        details: {
          issues: issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
        },
      },
    );
  }
  return parsed.data;
}

/**
 * The refused `type` as the error quotes it: a short string is echoed, anything else is named by
 * its kind. Echoing it whole would stringify whatever was sent (10,000 levels of nesting overflow
 * the stack) and return a client's text of any length.
 */
function describeType(type: unknown): string {
  if (typeof type === 'string')
    return JSON.stringify(type.length > 40 ? `${type.slice(0, 40)}…` : type);
  if (type === null || type === undefined) return String(type);
  return Array.isArray(type) ? 'array' : typeof type;
}
