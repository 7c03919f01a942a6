import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServerDatabase, serverUrl } from '../support/test-database.js';
import { startInstanceProcess, type InstanceProcess } from '../support/instance-process.js';
import { TestSocket } from '../support/ws-client.js';

interface StoredEvent {
  id: number;
  type: string;
  seq?: number;
  analyzer?: string;
  step?: string;
}

/** Every stored event of one conversation, through the REST view (all pages). */
async function eventsOf(instance: InstanceProcess, id: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let after = 0;
  for (;;) {
    const response = await fetch(
      `${instance.httpUrl}/api/conversations/${id}?after=${after}&limit=500`,
      { headers: { authorization: `Bearer ${instance.keys.supervisor}` } },
    );
    const body = (await response.json()) as { events: StoredEvent[]; nextAfter: number | null };
    events.push(...body.events);
    if (body.nextAfter === null) return events;
    after = body.nextAfter;
  }
}

/** Polls until `check` passes (the new instance needs a moment to take the work over). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

const count = (events: StoredEvent[], match: (event: StoredEvent) => boolean) =>
  events.filter(match).length;

/** Opens a call and sends `texts` as final customer turns; resolves once each is acknowledged. */
async function callWithAcks(instance: InstanceProcess, externalId: string, texts: string[]) {
  const connector = await TestSocket.connect(
    `${instance.wsUrl}/ws/ingest`,
    instance.keys.connector,
  );
  const opened = await connector.request(
    { type: 'open', conversationId: externalId, channel: 'voice', agentId: 'alice' },
    (m) => m.type === 'opened',
  );
  for (const [index, text] of texts.entries()) {
    const seq = index + 1;
    await connector.request(
      {
        type: 'utterance',
        conversationId: externalId,
        seq,
        speaker: 'customer',
        text,
        final: true,
      },
      (m) => m.type === 'ack' && m.seq === seq,
    );
  }
  return { connector, id: String(opened.id) };
}

const turns = ['I was charged twice', 'please refund the second charge', 'thank you'];

describe('durable work: a process killed after the ack loses nothing', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('embedded: kill -9 right after the acks, and after `ended`; the next start analyses and wraps up, once each', async () => {
    const dataRoot = await mkdtemp(path.join(tmpdir(), 'cuecard-crash-'));
    cleanups.push(() => rm(dataRoot, { recursive: true, force: true }));
    const env = { CUECARD_DATA_DIR: path.join(dataRoot, 'data') };

    // The analysis takes 3 s: the process dies with all three items acknowledged, none analysed.
    const first = await startInstanceProcess({ ...env, CRASH_ANALYZE_MS: '3000' });
    const { connector, id } = await callWithAcks(first, 'crash-1', turns);
    await first.kill9();
    await connector.close();

    // The wrap-up takes 3 s: the process dies right after acknowledging the end.
    const second = await startInstanceProcess({ ...env, CRASH_FINALIZE_MS: '3000' });
    cleanups.push(() => second.kill9());
    const analysed = await eventually(
      () => eventsOf(second, id),
      (all) => count(all, (e) => e.type === 'analysis') >= 3,
    );
    expect(count(analysed, (e) => e.type === 'analysis')).toBe(3);
    const ending = await TestSocket.connect(`${second.wsUrl}/ws/ingest`, second.keys.connector);
    await ending.request(
      { type: 'end', conversationId: 'crash-1' },
      (m) => m.type === 'ended' && m.alreadyEnded === false,
    );
    await second.kill9();

    const third = await startInstanceProcess(env);
    cleanups.push(() => third.kill9());
    const events = await eventually(
      () => eventsOf(third, id),
      (all) => count(all, (e) => e.type === 'wrapup') >= 1,
    );
    for (const seq of [1, 2, 3])
      expect(count(events, (e) => e.type === 'analysis' && e.seq === seq)).toBe(1);
    expect(count(events, (e) => e.type === 'item-final')).toBe(3);
    expect(count(events, (e) => e.type === 'conversation-end')).toBe(1);
    expect(count(events, (e) => e.type === 'wrapup' && e.step === 'item-count')).toBe(1);
    expect(count(events, (e) => e.type === 'error')).toBe(0);
  }, 180_000);

  it('embedded: SIGTERM with analysis in hand stops within seconds; the next start finishes it', async () => {
    const dataRoot = await mkdtemp(path.join(tmpdir(), 'cuecard-stop-'));
    cleanups.push(() => rm(dataRoot, { recursive: true, force: true }));
    const env = { CUECARD_DATA_DIR: path.join(dataRoot, 'data'), CUECARD_STOP_GRACE_MS: '500' };
    const busy = await startInstanceProcess({ ...env, CRASH_ANALYZE_MS: '30000' });
    const { connector, id } = await callWithAcks(busy, 'stop-1', turns);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The analyzer would take 30 s per item: a stop that waited for it would take 90 s.
    expect(await busy.stop()).toBeLessThan(10_000);
    await connector.close();
    const next = await startInstanceProcess(env);
    cleanups.push(() => next.kill9());
    const events = await eventually(
      () => eventsOf(next, id),
      (all) => count(all, (e) => e.type === 'analysis') >= 3,
    );
    for (const seq of [1, 2, 3])
      expect(count(events, (e) => e.type === 'analysis' && e.seq === seq)).toBe(1);
  }, 180_000);

  it.runIf(serverUrl)(
    'Postgres, two instances: the survivor takes over the dead one’s analysis and wrap-up once its lease ends',
    async () => {
      const database = await createServerDatabase();
      cleanups.push(database.drop);
      const env = { DATABASE_URL: database.url, CUECARD_WORK_LEASE_MS: '2000' };
      // The doomed instance claims the first item and hangs in it; it dies holding the lease.
      const doomed = await startInstanceProcess({ ...env, CRASH_ANALYZE_MS: '60000' });
      const { connector, id } = await callWithAcks(doomed, 'crash-2', turns);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await doomed.kill9();
      await connector.close();
      // Another instance (another name: it cannot know the lease holder is dead) takes the work
      // over once the lease runs out.
      const survivor = await startInstanceProcess(env);
      cleanups.push(() => survivor.kill9());
      let events = await eventually(
        () => eventsOf(survivor, id),
        (all) => count(all, (e) => e.type === 'analysis') >= 3,
      );
      expect(count(events, (e) => e.type === 'analysis')).toBe(3);

      const dying = await startInstanceProcess({ ...env, CRASH_FINALIZE_MS: '60000' });
      const ending = await TestSocket.connect(`${dying.wsUrl}/ws/ingest`, dying.keys.connector);
      await ending.request({ type: 'end', conversationId: 'crash-2' }, (m) => m.type === 'ended');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await dying.kill9();
      events = await eventually(
        () => eventsOf(survivor, id),
        (all) => count(all, (e) => e.type === 'wrapup') >= 1,
      );
      for (const seq of [1, 2, 3])
        expect(count(events, (e) => e.type === 'analysis' && e.seq === seq)).toBe(1);
      expect(count(events, (e) => e.type === 'wrapup')).toBe(1);
      expect(count(events, (e) => e.type === 'conversation-end')).toBe(1);
    },
    180_000,
  );
});
