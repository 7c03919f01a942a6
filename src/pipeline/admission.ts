/**
 * Bounded concurrency with a deadline: at most `limit` holders at once; a waiter that cannot get
 * in before its deadline gives up. With `maxBusyShare`, the slot also rests between holders so
 * that this work takes at most that share of wall time: only for work that runs on the event loop
 * itself and would otherwise starve everything else (embedded PGlite used to; since it runs in a
 * worker thread it needs no cap, see docs/decisions/0004). Used to shed heavy analyzer work under
 * overload instead of letting every conversation queue behind it.
 */
export function createAdmission(limit: number, maxBusyShare = 1) {
  let active = 0;
  let restUntil = 0;
  const waiters: Array<{ grant: () => void; timer: NodeJS.Timeout }> = [];
  let wake: NodeJS.Timeout | undefined;

  const grantNext = () => {
    if (waiters.length === 0 || active >= limit) return;
    const wait = restUntil - Date.now();
    if (wait > 0) {
      wake ??= setTimeout(() => {
        wake = undefined;
        grantNext();
      }, wait);
      return;
    }
    const next = waiters.shift()!;
    clearTimeout(next.timer);
    active++;
    next.grant();
  };

  const holder = () => {
    const started = Date.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active--;
      if (maxBusyShare < 1)
        restUntil = Date.now() + (Date.now() - started) * (1 / maxBusyShare - 1);
      grantNext();
    };
  };

  return {
    /** Resolves with a release function, or null when the wait would exceed `waitMs`. */
    enter(waitMs: number): Promise<(() => void) | null> {
      if (active < limit && waiters.length === 0 && Date.now() >= restUntil) {
        active++;
        return Promise.resolve(holder());
      }
      if (waitMs <= 0) return Promise.resolve(null);
      return new Promise((resolve) => {
        const waiter = {
          grant: () => resolve(holder()),
          timer: setTimeout(() => {
            waiters.splice(waiters.indexOf(waiter), 1);
            resolve(null);
          }, waitMs),
        };
        waiters.push(waiter);
        grantNext();
      });
    },
  };
}
