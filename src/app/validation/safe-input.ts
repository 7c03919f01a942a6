import { z } from 'zod';
import { CuecardError } from '../../errors/cuecard-error.js';

/**
 * The edge check every input passes before its schema: WebSocket messages (parse-message.ts) and
 * HTTP path params, query strings and bodies (the preValidation hook in create-app.ts). It walks
 * every string and object key, so no route or new field can forget it.
 *
 * Refused, naming the field:
 * - NUL (U+0000): Postgres cannot store it in `text` or `jsonb`; it used to surface as a 500.
 * - unpaired UTF-16 surrogates: not encodable as UTF-8, so the database or a downstream consumer
 *   fails on them; there is no faithful way to "clean" them, so the sender must fix its encoding.
 * - nesting deeper than {@link maxInputDepth}: deep JSON overflows stacks (ours, jsonb's) and no
 *   field of ours needs it. Free-form fields have a tighter limit ({@link freeformObject}).
 */
export const maxInputDepth = 32;

const unpairedSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface UnsafeInput {
  /** Dotted path of the offending value (array indices included), '' for the input itself. */
  field: string;
  problem: string;
}

function textProblem(text: string): string | null {
  if (text.includes('\u0000')) {
    return 'contains a NUL character (\\u0000), which cannot be stored; remove it';
  }
  if (unpairedSurrogate.test(text)) {
    return 'contains an unpaired UTF-16 surrogate (invalid Unicode); send well-formed UTF-8 text';
  }
  return null;
}

/** The first unsafe string, key or nesting level in `value`, or null when it is all safe. */
export function findUnsafeInput(value: unknown, path: readonly string[] = []): UnsafeInput | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { field: path.join('.'), problem } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  if (path.length >= maxInputDepth) {
    // The top-level field is the useful name; a 32-segment path is not.
    return {
      field: path[0] ?? '',
      problem: `is nested deeper than ${maxInputDepth} levels`,
    };
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    const keyProblem = textProblem(key);
    if (keyProblem) return { field: [...path, key].join('.'), problem: `key ${keyProblem}` };
    const found = findUnsafeInput(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * Throws `validation_failed` naming the field when `value` holds unsafe input. `part` names the
 * input when the offending value is the whole of it (a bare string query, for instance).
 */
export function assertSafeInput(value: unknown, part: string): void {
  const found = findUnsafeInput(value);
  if (!found) return;
  const field = found.field || part;
  throw new CuecardError('validation_failed', `${field} ${found.problem}.`, { field });
}

/** Limits of free-form JSON objects (metadata, customer attributes, action data). */
export const freeformLimits = { maxDepth: 8, maxKeys: 200 } as const;

/** Depth of nesting below `value` (a scalar is 0, `{}` is 1) and its total number of keys. */
function measure(value: unknown, depth: number, stats: { depth: number; keys: number }): void {
  if (typeof value !== 'object' || value === null) return;
  stats.depth = Math.max(stats.depth, depth + 1);
  // The edge check already bounds the depth, so this recursion cannot run away.
  if (stats.depth > freeformLimits.maxDepth || stats.keys > freeformLimits.maxKeys) return;
  const items = Array.isArray(value) ? value : Object.values(value);
  if (!Array.isArray(value)) stats.keys += items.length;
  for (const item of items) measure(item, depth + 1, stats);
}

/**
 * A free-form JSON object (stored as jsonb, shown to consoles): bounded in depth and key count so
 * one connector cannot store documents the consoles and analyzers choke on.
 */
export function freeformObject() {
  return z.record(z.string(), z.unknown()).superRefine((value, context) => {
    const stats = { depth: 0, keys: 0 };
    measure(value, 0, stats);
    if (stats.depth > freeformLimits.maxDepth) {
      context.addIssue({
        code: 'custom',
        message: `is nested deeper than ${freeformLimits.maxDepth} levels; flatten it`,
      });
    } else if (stats.keys > freeformLimits.maxKeys) {
      context.addIssue({
        code: 'custom',
        message: `has more than ${freeformLimits.maxKeys} keys in all; send fewer`,
      });
    }
  });
}

/** Largest value of a Postgres `integer` column (sequence numbers, serial ids, offsets). */
export const maxInt32 = 2_147_483_647;
