/**
 * The order in which the embedded-database worker runs statements. PGlite runs one at a time, so
 * this order is the only scheduling there is:
 * - the open transaction's own statements first, and nothing else while it is open (one
 *   connection: what is not in the transaction waits until it ends);
 * - then interactive statements, oldest first;
 * - then background ones — except that when no background statement has run for
 *   `maxBackgroundWaitMs` while one was waiting, the oldest goes next anyway: a steady stream of
 *   short writes cannot starve searches, and searches get at most one statement per that period
 *   ahead of interactive ones;
 * - close last, once everything before it has run.
 */
export type Lane = 'transaction' | 'interactive' | 'background' | 'close';

export function createStatementQueue<Job>(maxBackgroundWaitMs: number) {
  const lanes: Record<Lane, Array<{ job: Job; since: number }>> = {
    transaction: [],
    interactive: [],
    background: [],
    close: [],
  };
  let previous: Lane | undefined;
  let backgroundEndedAt = Number.NEGATIVE_INFINITY;

  const take = (lane: Lane): Job | undefined => {
    const entry = lanes[lane].shift();
    previous = entry ? lane : undefined;
    return entry?.job;
  };

  return {
    push(job: Job, lane: Lane, now: number): void {
      lanes[lane].push({ job, since: now });
    },
    /**
     * The next job to run, or undefined when none may run now. Called only once the previous
     * job has finished (the worker runs one at a time), so `now` is also when that one ended.
     */
    next(transactionOpen: boolean, now: number): Job | undefined {
      if (previous === 'background') backgroundEndedAt = now;
      previous = undefined;
      const { transaction, interactive, background } = lanes;
      if (transaction.length > 0 || transactionOpen) return take('transaction');
      const oldest = background[0];
      if (
        oldest &&
        (interactive.length === 0 ||
          now - Math.max(oldest.since, backgroundEndedAt) >= maxBackgroundWaitMs)
      )
        return take('background');
      if (interactive.length > 0) return take('interactive');
      return take('close');
    },
    get size(): number {
      return Object.values(lanes).reduce((sum, lane) => sum + lane.length, 0);
    },
  };
}
