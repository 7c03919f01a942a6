// pg-boss 12: `send` through our own transaction (the `db` option), the key_strict_fifo policy
// (FIFO per singletonKey = conversation; a job that is active, retrying or failed holds back its
// key's successors), heartbeats, LISTEN/NOTIFY wake-ups on notify-enabled queues.
import { createHash } from 'node:crypto';
import { PgBoss } from 'pg-boss';

const QUEUE = 'analyze';

/** pg-boss ignores a second send with the same id: a UUID derived from our key deduplicates. */
export function uuidFromKey(key) {
  const h = createHash('sha1').update(`qbench:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function boss(url, extra = {}) {
  const instance = new PgBoss({
    connectionString: url,
    useListenNotify: true,
    schedule: false,
    // Defaults are 60 s each: a dead worker's job (heartbeat lapsed) is failed over by the
    // monitor pass, and the queue cache decides whether a worker keeps fetching without a pause.
    superviseIntervalSeconds: 5,
    monitorIntervalSeconds: 5,
    queueCacheIntervalSeconds: 1,
    ...extra,
  });
  instance.on('error', (error) => console.error(`[pg-boss] ${error.message}`));
  return instance;
}

export default {
  name: 'pg-boss',

  async prepare({ url, leaseSeconds }) {
    const b = boss(url, { supervise: false });
    await b.start();
    await b.createQueue(QUEUE, {
      policy: 'key_strict_fifo',
      notify: true,
      retryLimit: 5,
      retryDelay: 1,
      retryBackoff: true,
      expireInSeconds: 60,
      heartbeatSeconds: Math.max(10, leaseSeconds),
    });
    await b.stop({ graceful: false });
  },

  async openProducer({ url }) {
    const b = boss(url, { supervise: false, useListenNotify: false, max: 2 });
    await b.start();
    return {
      async enqueue(tx, job) {
        await b.send(QUEUE, job, {
          id: uuidFromKey(job.key),
          singletonKey: job.conv,
          db: { executeSql: (text, values) => tx.query(text, values) },
        });
      },
      async close() {
        await b.stop({ graceful: false });
      },
    };
  },

  async startWorker({ url, concurrency, handle }) {
    const b = boss(url, { max: concurrency + 3 });
    await b.start();
    await b.work(
      QUEUE,
      {
        localConcurrency: concurrency,
        batchSize: 1,
        pollingIntervalSeconds: 0.5,
        notifyPollingIntervalSeconds: 2,
        // Without it a worker waits a full polling interval after every job, even with a backlog
        // (measured: 4 slots drained ~2 jobs/s). Burst = fetch again at once while the cached
        // ready count is above 1.
        burstWhenReadyExceeds: 1,
      },
      async ([job]) => handle(job.data, 0),
    );
    return {
      async stop() {
        await b.stop({ graceful: false, timeout: 2000 });
      },
    };
  },
};
