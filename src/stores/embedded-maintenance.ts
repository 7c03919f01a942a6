import type { Database } from './database.js';

/**
 * What autovacuum and the checkpointer do on a server, done on a schedule for the embedded
 * engine: PGlite runs no background workers, so its tables are never analysed or vacuumed, nor its
 * WAL checkpointed and recycled, unless we do it, and the
 * planner's row estimates drift until per-conversation reads walk the wrong index (measured:
 * 1,847 estimated vs 495,000 real rows, 616 ms for one conversation's 65 events).
 * ANALYZE samples a fixed number of rows, so it stays cheap as tables grow; VACUUM (which reads
 * every page) runs less often. Both go in as background statements: live work goes first.
 */
export interface MaintenanceOptions {
  /** Between two ANALYZE runs. Default 10 minutes. */
  analyzeEveryMs?: number;
  /** Every how many ANALYZE runs a VACUUM runs too. Default 12 (every 2 hours). */
  vacuumEvery?: number;
  /** Before the first run, so a start is not slowed down. Default 60 s. */
  firstAfterMs?: number;
  onError?: (error: unknown) => void;
}

export interface Maintenance {
  /** One round now (ANALYZE, and VACUUM when `vacuum`); resolves when done. */
  runOnce(vacuum?: boolean): Promise<void>;
  stop(): Promise<void>;
}

export function startEmbeddedMaintenance(
  db: Database,
  options: MaintenanceOptions = {},
): Maintenance {
  const every = options.analyzeEveryMs ?? 10 * 60_000;
  const vacuumEvery = options.vacuumEvery ?? 12;
  let rounds = 0;
  let running: Promise<void> | null = null;
  let stopped = false;

  async function runOnce(vacuum = false): Promise<void> {
    if (vacuum) await db.query('VACUUM', [], { priority: 'background' });
    await db.query('ANALYZE', [], { priority: 'background' });
    // A standalone Postgres (PGlite) never checkpoints on its own: only a postmaster's
    // checkpointer does, on time or WAL size. Without this the WAL grows for as long as the
    // server runs (6.4 GB after a 100k-passage ingest) and, after a kill -9, all of it is
    // replayed before the data folder opens again. A checkpoint with little written is cheap.
    await db.query('CHECKPOINT', [], { priority: 'background' });
  }

  const tick = () => {
    if (stopped || running) return;
    rounds++;
    running = runOnce(rounds % vacuumEvery === 0)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(tick, options.firstAfterMs ?? 60_000);
  const timer = setInterval(tick, every);
  // Maintenance never keeps a stopping process alive.
  first.unref();
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
