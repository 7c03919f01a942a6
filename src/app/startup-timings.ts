/**
 * How long each step of a start took, logged once at debug level when the app exists (issue 20
 * asks for a first start under 15 s and a restart under 5 s; this says where the time went).
 * `scripts/measure-start.sh` prints it beside the totals.
 */
export interface StartupTimings {
  /** Ends the running step, naming it, and starts the next. */
  lap(step: string): void;
  /** Milliseconds per step, in order. */
  steps(): Record<string, number>;
}

export function createStartupTimings(now: () => number = () => performance.now()): StartupTimings {
  const steps: Record<string, number> = {};
  let last = now();
  return {
    lap(step) {
      const time = now();
      steps[step] = Math.round(time - last);
      last = time;
    },
    steps: () => ({ ...steps }),
  };
}
