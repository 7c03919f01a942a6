import { redactPii, type RedactionResult, type RedactOptions } from '../redact.js';

/** How long `redactPiiSlowly` computes before it redacts. */
export const slowRedactionMs = 1_500;

/**
 * The longest event-loop stall a test accepts while `redactPiiSlowly` runs in a thread. Had it run
 * on the loop, the stall would be all of `slowRedactionMs`; off it, a quiet machine shows 10-30
 * ms, and a shared test machine (other test files and the spinning thread on two cores) has shown
 * 265 ms of plain CPU starvation.
 */
export const acceptedStallMs = slowRedactionMs / 3;

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
