/**
 * When a failed delivery is tried again: exponential backoff from `baseMs`, capped at `maxMs`,
 * with "equal jitter" (half the delay fixed, half random) so that endpoints that failed together
 * are not all retried in the same second. Past `giveUpAfterMs` since the fact, the delivery is
 * dead-lettered instead (null): with the defaults (30 s doubling to 1 h, 25 h) about 40 attempts
 * over more than a day.
 */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 30_000,
  maxMs: 3_600_000,
  giveUpAfterMs: 25 * 3_600_000,
};

export function nextAttemptAt(
  policy: RetryPolicy,
  attempts: number,
  createdAt: Date,
  now: Date,
  random: () => number = Math.random,
): Date | null {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const delay = ceiling / 2 + random() * (ceiling / 2);
  const at = now.getTime() + delay;
  return at - createdAt.getTime() > policy.giveUpAfterMs ? null : new Date(at);
}
