// The home-grown candidate: one Postgres table, FOR UPDATE SKIP LOCKED, a lease column renewed by
// a heartbeat, and per-key ordering (a key's next item is claimable only once every earlier item
// of that key is done). Wake-ups by LISTEN/NOTIFY sent inside the enqueuing transaction (so they
// are delivered on commit only), with a poll as the floor.
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import pg from 'pg';

const schema = `
CREATE TABLE IF NOT EXISTS qbench_work (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  queue_key text NOT NULL,
  seq integer NOT NULL,
  dedup_key text NOT NULL,
  payload jsonb NOT NULL,
  run_after timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  lease_owner text,
  lease_expires_at timestamptz,
  done_at timestamptz,
  UNIQUE (kind, dedup_key)
);
CREATE INDEX IF NOT EXISTS qbench_work_ready ON qbench_work (run_after, id) WHERE done_at IS NULL;
CREATE INDEX IF NOT EXISTS qbench_work_open_key ON qbench_work (queue_key, seq, id) WHERE done_at IS NULL;
`;

export const claimSql = `
WITH next AS (
  SELECT w.id FROM qbench_work w
  WHERE w.done_at IS NULL AND w.run_after <= now()
    AND (w.lease_expires_at IS NULL OR w.lease_expires_at < now())
    AND NOT EXISTS (
      SELECT 1 FROM qbench_work p
      WHERE p.done_at IS NULL AND p.queue_key = w.queue_key AND (p.seq, p.id) < (w.seq, w.id))
  ORDER BY w.run_after, w.id
  LIMIT 1
  FOR UPDATE SKIP LOCKED
)
UPDATE qbench_work w
SET lease_owner = $1, lease_expires_at = now() + make_interval(secs => $2), attempts = w.attempts + 1
FROM next WHERE w.id = next.id
RETURNING w.id, w.payload, w.attempts`;

const completeSql = `
UPDATE qbench_work SET done_at = now(), lease_owner = NULL, lease_expires_at = NULL
WHERE id = $1 AND lease_owner = $2 AND attempts = $3 AND done_at IS NULL`;

const heartbeatSql = `
UPDATE qbench_work SET lease_expires_at = now() + make_interval(secs => $4)
WHERE id = $1 AND lease_owner = $2 AND attempts = $3 AND done_at IS NULL`;

export default {
  name: 'table-queue',
  guarantees: 'home-grown',

  async prepare({ url }) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(schema);
    await client.end();
  },

  async openProducer({ url }) {
    return {
      async enqueue(tx, job) {
        await tx.query(
          `INSERT INTO qbench_work (kind, queue_key, seq, dedup_key, payload)
           VALUES ('analyze', $1, $2, $3, $4) ON CONFLICT (kind, dedup_key) DO NOTHING`,
          [job.conv, job.seq, job.key, JSON.stringify(job)],
        );
        // Delivered at commit, never for a rolled-back enqueue.
        await tx.query(`SELECT pg_notify('qbench_work', '')`);
      },
      async close() {},
      url,
    };
  },

  async startWorker({ url, concurrency, leaseSeconds, handle, workerId }) {
    const pool = new pg.Pool({ connectionString: url, max: concurrency + 1 });
    pool.on('error', () => undefined);
    const listener = new pg.Client({ connectionString: url });
    listener.on('error', () => undefined);
    await listener.connect();
    await listener.query('LISTEN qbench_work');
    let stopped = false;
    const sleepers = [];
    const wakeOne = () => sleepers.shift()?.();
    listener.on('notification', wakeOne);
    const pollMs = 1000;

    async function slot() {
      while (!stopped) {
        const { rows } = await pool.query(claimSql, [workerId, leaseSeconds]);
        const job = rows[0];
        if (!job) {
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, pollMs);
            sleepers.push(() => {
              clearTimeout(timer);
              resolve();
            });
          });
          continue;
        }
        // Renew the lease while the handler runs; a worker that dies stops renewing and any
        // other worker claims the item once the lease has expired.
        const beat = setInterval(
          () => {
            pool
              .query(heartbeatSql, [job.id, workerId, job.attempts, leaseSeconds])
              .catch(() => undefined);
          },
          (leaseSeconds * 1000) / 3,
        );
        try {
          await handle(job.payload, job.attempts);
          await pool.query(completeSql, [job.id, workerId, job.attempts]);
        } finally {
          clearInterval(beat);
        }
        // One item done may make the next item of its key claimable: wake a sleeper.
        wakeOne();
      }
    }
    const slots = Array.from({ length: concurrency }, () => slot());
    return {
      async stop() {
        stopped = true;
        while (sleepers.length) wakeOne();
        await Promise.allSettled(slots);
        await listener.end();
        await pool.end();
      },
    };
  },
};
