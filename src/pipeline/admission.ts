/**
 * Bounded concurrency with a deadline: at most `limit` holders at once; a waiter that cannot get
 * in before its deadline gives up. Used to shed heavy analyzer work under overload instead of
 * letting every conversation queue behind it.
 */
export function createAdmission(limit: number) {
  let active = 0;
  const waiters: Array<{ grant: () => void; timer: NodeJS.Timeout }> = [];
  const release = () => {
    const next = waiters.shift();
    if (next) {
      clearTimeout(next.timer);
      next.grant();
    } else active--;
  };
  return {
    /** Resolves with a release function, or null when the wait would exceed `waitMs`. */
    enter(waitMs: number): Promise<(() => void) | null> {
      if (active < limit) {
        active++;
        return Promise.resolve(release);
      }
      if (waitMs <= 0) return Promise.resolve(null);
      return new Promise((resolve) => {
        const waiter = {
          grant: () => resolve(release),
          timer: setTimeout(() => {
            waiters.splice(waiters.indexOf(waiter), 1);
            resolve(null);
          }, waitMs),
        };
        waiters.push(waiter);
      });
    },
  };
}
