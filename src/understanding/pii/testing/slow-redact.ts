import { redactPii, type RedactionResult, type RedactOptions } from '../redact.js';

/** How long `redactPiiSlowly` computes before it redacts. */
export const slowRedactionMs = 1_500;

/**
 * `redactPii` after computing for `slowRedactionMs` without yielding: the unforeseen slow case
 * that `createPiiRedactor` must keep off the event loop (and refuse past its deadline).
 */
export function redactPiiSlowly(text: string, options: RedactOptions): RedactionResult {
  const until = Date.now() + slowRedactionMs;
  while (Date.now() < until) {
    // Busy on purpose.
  }
  return redactPii(text, options);
}
