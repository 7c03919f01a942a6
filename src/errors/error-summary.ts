import { CuecardError } from './cuecard-error.js';

/** Error details safe for logs: names and codes, never message text that may quote a customer. */
export function errorSummary(error: unknown): Record<string, unknown> {
  if (CuecardError.isInstance(error)) return { code: error.code, name: error.name };
  if (error instanceof Error) return { name: error.name, code: (error as { code?: unknown }).code };
  return { type: typeof error };
}
