// NATS JetStream (nats-server from apt, the `nats` npm client): a file-backed work-queue stream,
// one durable pull consumer shared by every worker (explicit acks, ack_wait as the lease,
// `working()` as the heartbeat, Nats-Msg-Id de-duplication). Not transactional with Postgres:
// the producer commits its row, then publishes (a dual write).
import { clearInterval, setInterval } from 'node:timers';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AckPolicy, JSONCodec, RetentionPolicy, StorageType, connect, nanos } from 'nats';

const STREAM = 'QBENCH';
const codec = JSONCodec();
let server = null;

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'qbench-nats-'));
  const port = await freePort();
  const child = spawn('nats-server', ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let log = '';
    child.once('error', reject);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      if (log.includes('Server is ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`nats-server exited ${code}: ${log}`)));
  });
  server = { child, dir };
  return `nats://127.0.0.1:${port}`;
}

export default {
  name: 'nats-jetstream',

  async prepare(ctx) {
    const natsUrl = ctx.natsUrl ?? (await startServer());
    const nc = await connect({ servers: natsUrl });
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(STREAM).catch(() => undefined);
    await jsm.streams.add({
      name: STREAM,
      subjects: ['qbench.>'],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(120_000),
    });
    await jsm.consumers.add(STREAM, {
      durable_name: 'workers',
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ctx.leaseSeconds * 1000),
      max_deliver: 5,
      max_ack_pending: 10_000,
    });
    await nc.close();
    return { natsUrl };
  },

  async cleanup() {
    if (!server) return;
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    rmSync(server.dir, { recursive: true, force: true });
    server = null;
  },

  async openProducer({ natsUrl }) {
    const nc = await connect({ servers: natsUrl });
    const js = nc.jetstream();
    return {
      async enqueue() {
        // Nothing inside the Postgres transaction: JetStream cannot join it.
      },
      async afterCommit(job) {
        // Resolves on the stream's PubAck (stored); the msgID drops a re-publish within 2 min.
        await js.publish(`qbench.${job.conv}`, codec.encode(job), { msgID: job.key });
      },
      async close() {
        await nc.close();
      },
    };
  },

  async startWorker({ natsUrl, concurrency, leaseSeconds, handle }) {
    const nc = await connect({ servers: natsUrl });
    const consumer = await nc.jetstream().consumers.get(STREAM, 'workers');
    const messages = await consumer.consume({ max_messages: concurrency * 2 });
    let inFlight = 0;
    let freed = null;
    const loop = (async () => {
      for await (const m of messages) {
        while (inFlight >= concurrency) await new Promise((resolve) => (freed = resolve));
        inFlight += 1;
        void (async () => {
          const beat = setInterval(() => m.working(), (leaseSeconds * 1000) / 3);
          try {
            await handle(codec.decode(m.data), m.info.redeliveryCount);
            await m.ackAck();
          } finally {
            clearInterval(beat);
            inFlight -= 1;
            freed?.();
          }
        })();
      }
    })();
    return {
      async stop() {
        await messages.close();
        await loop.catch(() => undefined);
        await nc.close();
      },
    };
  },
};
