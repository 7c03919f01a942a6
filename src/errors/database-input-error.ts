import { CuecardError } from './cuecard-error.js';

/**
 * SQLSTATEs that mean "the database refused this value", not "the database is broken": Postgres
 * class 22 (data exception: 22P05 untranslatable character, 22021 bad byte sequence, 22003
 * numeric out of range, 22P02 invalid text representation, 22007/22008 bad dates...) and class
 * 54 (program limit exceeded: 54001 stack depth, 54000 too large). Retrying the same input gives
 * the same answer, so they must not be reported as a retryable `internal`.
 */
function isInputSqlState(code: string): boolean {
  return code.startsWith('22') || code.startsWith('54');
}

function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  // SQLSTATEs are five characters; Node's own codes (ECONNRESET, ERR_…) are not.
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * The last line of defence behind the edge schemas (src/app/validation/safe-input.ts): a database
 * error caused by the input becomes `validation_failed` (4xx, not retryable). Looks through a few
 * `cause` links, since stores may wrap driver errors. Returns null for every other error.
 */
export function databaseInputError(error: unknown): CuecardError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    if (CuecardError.isInstance(current) && current.code !== 'internal') return null;
    const code = sqlState(current);
    if (code && isInputSqlState(code)) {
      return new CuecardError(
        'validation_failed',
        `A value in the input cannot be stored (database code ${code}); check text for NUL or invalid characters and numbers for range.`,
        { cause: error, details: { sqlState: code } },
      );
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}
