/** Functions for `createDeadlineWorker` tests, run in its thread. */

/** Computes (never yields) for `ms` milliseconds, as a super-linear case would. */
export function spin(ms: number, value: string): string {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy on purpose.
  }
  return value;
}

export function fail(message: string): never {
  throw new Error(message);
}
