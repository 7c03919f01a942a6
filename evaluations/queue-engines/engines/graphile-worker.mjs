// graphile-worker: jobs enqueued with the SQL function add_job inside our own transaction; a named
// queue (queue_name = conversation) runs its jobs one at a time; LISTEN/NOTIFY wake-ups.
import pg from 'pg';
import { Logger, run, runMigrations } from 'graphile-worker';

function quietLogger() {
  return new Logger(() => (level, message) => {
    if (level === 'error') console.error(`[graphile-worker] ${message}`);
  });
}

export default {
  name: 'graphile-worker',

  async prepare({ url }) {
    await runMigrations({ connectionString: url, logger: quietLogger() });
  },

  async openProducer() {
    return {
      async enqueue(tx, job) {
        await tx.query(
          `SELECT graphile_worker.add_job('analyze', payload => $1::json, queue_name => $2,
             job_key => $3, max_attempts => 5)`,
          [JSON.stringify(job), job.conv, job.key],
        );
      },
      async close() {},
    };
  },

  async startWorker({ url, concurrency, handle }) {
    const pool = new pg.Pool({ connectionString: url, max: concurrency + 2 });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const runner = await run({
      pgPool: pool,
      concurrency,
      noHandleSignals: true,
      pollInterval: 1000,
      logger: quietLogger(),
      taskList: {
        analyze: async (payload, helpers) => handle(payload, helpers.job.attempts),
      },
    });
    return {
      async stop() {
        await runner.stop();
        await pool.end();
      },
    };
  },
};
