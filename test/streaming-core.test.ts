import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunnableAnalyzer } from '../src/pipeline/analyzer.js';
import { engines } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

/** A tiny analyzer: reports the word count, and remembers a running total in its state. */
const wordCount: RunnableAnalyzer = {
  languages: 'any',
  reads: [],
  name: 'word-count',
  async analyze({ item, state }) {
    if (item.kind !== 'utterance') return null;
    const words = item.text.split(/\s+/).filter(Boolean).length;
    const total = ((state as { total?: number } | undefined)?.total ?? 0) + words;
    return { result: { words, total }, state: { total } };
  },
};
const failing: RunnableAnalyzer = {
  languages: 'any',
  reads: [],
  name: 'always-fails',
  async analyze() {
    throw new Error('boom');
  },
};
const slow: RunnableAnalyzer = {
  languages: 'any',
  reads: [],
  name: 'too-slow',
  timeoutMs: 50,
  analyze: ({ signal }) =>
    new Promise((resolve) => signal.addEventListener('abort', () => resolve(null))),
};
const suggester: RunnableAnalyzer = {
  languages: 'any',
  reads: ['word-count'],
  name: 'suggester',
  async analyze({ item, previous }) {
    if (item.kind !== 'utterance' || item.speaker !== 'customer') return null;
    return {
      events: [
        {
          type: 'suggestion',
          seq: item.seq,
          suggestion: {
            kind: 'reply',
            suggestionId: `r-${item.seq}`,
            text: `You said ${String((previous['word-count'] as { words?: number } | undefined)?.words)} words`,
            source: 'template',
            citations: [],
            reason: 'test',
          },
        },
      ],
    };
  },
};

describe.each(engines)('streaming core on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      engine,
      analyzers: [wordCount, failing, slow, suggester],
      redact: (_tenant, text) => text.replace(/\b\d{16}\b/g, '[CARD_NUMBER]'),
    });
  });
  afterAll(async () => server?.close());

  const open = (
    connector: TestSocket,
    conversationId: string,
    extra: Record<string, unknown> = {},
  ) =>
    connector.request(
      {
        type: 'open',
        conversationId,
        channel: 'voice',
        agentId: 'alice',
        customerId: 'cust-1',
        ...extra,
      },
      (m) => m.type === 'opened' && m.conversationId === conversationId,
    );
  const utter = (
    connector: TestSocket,
    conversationId: string,
    seq: number,
    text: string,
    speaker = 'customer',
  ) =>
    connector.request(
      { type: 'utterance', conversationId, seq, speaker, text, final: true },
      (m) =>
        (m.type === 'ack' || m.type === 'error') &&
        m.conversationId === conversationId &&
        m.seq === seq,
    );

  it('streams a call end to end: durable acks, previews, analysis, suggestions and the end reach the agent', async () => {
    const agent = await TestSocket.connect(`${server.wsUrl}/ws/subscribe`, server.keys.agent);
    await agent.request({ type: 'subscribe', scope: 'agent' }, (m) => m.type === 'subscribed');
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const opened = await open(connector, 'call-e2e');
    expect(opened).toMatchObject({ lastSeq: 0, resumed: false });

    connector.send({
      type: 'utterance',
      conversationId: 'call-e2e',
      seq: 1,
      speaker: 'customer',
      text: 'my card is',
      final: false,
    });
    const ack = await utter(
      connector,
      'call-e2e',
      1,
      'my card is 4111111111111111 and it was charged twice',
    );
    expect(ack).toMatchObject({ type: 'ack', seq: 1, lastSeq: 1, duplicate: false });
    // Acknowledged means durable: the row is already there, redacted.
    const items = await server.services.conversations.items(String(opened.id));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'utterance',
      text: 'my card is [CARD_NUMBER] and it was charged twice',
    });

    await connector.request(
      { type: 'action', conversationId: 'call-e2e', seq: 2, action: 'verify-identity' },
      (m) => m.type === 'ack' && m.seq === 2,
    );
    await utter(connector, 'call-e2e', 3, 'I can refund the second charge', 'agent');
    await connector.request({ type: 'end', conversationId: 'call-e2e' }, (m) => m.type === 'ended');

    await agent.next(
      (m) => m.type === 'event' && (m.event as { type: string }).type === 'conversation-end',
    );
    await server.services.pipeline.drain();
    await agent.next(
      (m) =>
        m.type === 'event' &&
        (m.event as { analyzer?: string }).analyzer === 'word-count' &&
        (m.event as { seq: number }).seq === 3,
    );
    const events = agent.events();
    const types = events.map((e) => e.type);
    // Previews (interims) are sent at once and may pass stored events still waiting for their
    // commit order; the first stored event is the start.
    expect(events.find((e) => e.id !== null)?.type).toBe('conversation-start');
    expect(types).toContain('utterance-interim');
    expect(events.filter((e) => e.type === 'item-final')).toHaveLength(3);
    const analyses = events.filter((e) => e.type === 'analysis' && e.analyzer === 'word-count');
    expect(analyses.map((e) => (e.result as { total: number }).total)).toEqual([9, 15]);
    expect(events.find((e) => e.type === 'suggestion')).toMatchObject({
      seq: 1,
      suggestion: { text: 'You said 9 words' },
    });
    // A failing and a timed-out analyzer become error events; the others still ran.
    expect(events.filter((e) => e.type === 'error').map((e) => e.code)).toEqual(
      expect.arrayContaining(['analyzer_failed', 'analyzer_timeout']),
    );
    // Interim text is redacted too, and never stored.
    const interim = events.find((e) => e.type === 'utterance-interim');
    expect(interim).toMatchObject({ id: null, text: 'my card is' });
    // Durable events come with increasing ids.
    const ids = events.filter((e) => e.id !== null).map((e) => e.id as number);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    await Promise.all([agent.close(), connector.close()]);
  });

  it('makes repeated sequence numbers idempotent and refuses gaps and conflicts without losing anything', async () => {
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const opened = await open(connector, 'call-seq');
    expect(await utter(connector, 'call-seq', 1, 'hello there')).toMatchObject({
      type: 'ack',
      duplicate: false,
    });
    expect(await utter(connector, 'call-seq', 1, 'hello there')).toMatchObject({
      type: 'ack',
      duplicate: true,
      lastSeq: 1,
    });
    expect(await utter(connector, 'call-seq', 1, 'something else')).toMatchObject({
      type: 'error',
      code: 'sequence_conflict',
      field: 'seq',
    });
    expect(await utter(connector, 'call-seq', 5, 'skipped ahead')).toMatchObject({
      type: 'error',
      code: 'sequence_gap',
      field: 'seq',
      details: { expected: 2 },
    });
    expect(connector.isOpen).toBe(true);
    expect(await utter(connector, 'call-seq', 2, 'second')).toMatchObject({ type: 'ack', seq: 2 });
    const items = await server.services.conversations.items(String(opened.id));
    expect(items.map((item) => item.kind === 'utterance' && item.text)).toEqual([
      'hello there',
      'second',
    ]);
    await connector.close();
  });

  it('lets a reconnecting connector learn the last acknowledged sequence and resume', async () => {
    const first = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    await open(first, 'call-resume');
    await utter(first, 'call-resume', 1, 'one');
    await utter(first, 'call-resume', 2, 'two');
    await first.close();
    const second = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const reopened = await open(second, 'call-resume');
    expect(reopened).toMatchObject({ resumed: true, lastSeq: 2, status: 'active' });
    // Resending the unacknowledged tail is safe: duplicates are recognised, new items stored.
    expect(await utter(second, 'call-resume', 2, 'two')).toMatchObject({ duplicate: true });
    expect(await utter(second, 'call-resume', 3, 'three')).toMatchObject({
      duplicate: false,
      lastSeq: 3,
    });
    const items = await server.services.conversations.items(String(reopened.id));
    expect(items).toHaveLength(3);
    await second.close();
  });

  it('gives a subscriber that reconnects with a cursor exactly the events it missed', async () => {
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const opened = await open(connector, 'call-cursor');
    const conversationId = String(opened.id);
    const viewer = await TestSocket.connect(`${server.wsUrl}/ws/subscribe`, server.keys.supervisor);
    await viewer.request(
      { type: 'subscribe', scope: 'conversation', conversationId, cursor: 0 },
      (m) => m.type === 'subscribed',
    );
    await utter(connector, 'call-cursor', 1, 'first words');
    await server.services.pipeline.drain();
    await viewer.next(
      (m) => m.type === 'event' && (m.event as { type: string }).type === 'item-final',
    );
    const seen = viewer.events().filter((e) => e.id !== null);
    const cursor = Math.max(...seen.map((e) => e.id as number));
    await viewer.close();

    // Missed while away:
    await utter(connector, 'call-cursor', 2, 'while you were gone');
    await utter(connector, 'call-cursor', 3, 'and more');
    await server.services.pipeline.drain();

    const back = await TestSocket.connect(`${server.wsUrl}/ws/subscribe`, server.keys.supervisor);
    const subscribed = await back.request(
      { type: 'subscribe', scope: 'conversation', conversationId, cursor },
      (m) => m.type === 'subscribed',
    );
    await back.request({ type: 'ping' }, (m) => m.type === 'pong');
    const replayed = back.events();
    expect(subscribed.replayed).toBe(replayed.length);
    const all = await server.services.eventLog.since({ tenantId: 'acme', conversationId }, 0);
    const expected = all.filter((e) => (e.id as number) > cursor).map((e) => e.id);
    expect(replayed.map((e) => e.id)).toEqual(expected);
    expect(new Set(replayed.map((e) => e.id)).size).toBe(replayed.length);
    expect(replayed.some((e) => e.id !== null && seen.some((s) => s.id === e.id))).toBe(false);
    // Then live events follow on the same subscription.
    await utter(connector, 'call-cursor', 4, 'live again');
    await back.next(
      (m) =>
        m.type === 'event' && (m.event as { type: string; item?: { seq: number } }).item?.seq === 4,
    );
    await Promise.all([back.close(), connector.close()]);
  });

  it('answers each bad message with an error naming the problem, and keeps the socket open', async () => {
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    const cases: Array<[string | Record<string, unknown>, Record<string, unknown>]> = [
      ['{not json', { code: 'malformed_json' }],
      [{ type: 'shout' }, { code: 'unknown_message_type', field: 'type' }],
      [
        { type: 'utterance', conversationId: 'x', seq: 1, speaker: 'customer', final: true },
        { code: 'validation_failed', field: 'text' },
      ],
      [
        {
          type: 'utterance',
          conversationId: 'x',
          seq: '1',
          speaker: 'customer',
          text: 'hi',
          final: true,
        },
        { code: 'validation_failed', field: 'seq' },
      ],
      [
        {
          type: 'utterance',
          conversationId: 'x',
          seq: 1,
          speaker: 'robot',
          text: 'hi',
          final: true,
        },
        { code: 'validation_failed', field: 'speaker' },
      ],
      [
        {
          type: 'utterance',
          conversationId: 'nope',
          seq: 1,
          speaker: 'customer',
          text: 'hi',
          final: true,
        },
        { code: 'not_found', field: 'conversationId' },
      ],
      [
        { type: 'open', conversationId: 'y', channel: 'fax' },
        { code: 'validation_failed', field: 'channel' },
      ],
      [
        JSON.stringify({
          type: 'utterance',
          conversationId: 'x',
          seq: 1,
          speaker: 'customer',
          final: true,
          text: 'a'.repeat(70_000),
        }),
        { code: 'frame_too_large' },
      ],
    ];
    for (const [message, expected] of cases) {
      const reply = await connector.request(message, (m) => m.type === 'error');
      expect(reply).toMatchObject(expected);
      expect(typeof reply.message).toBe('string');
    }
    expect(connector.isOpen).toBe(true);
    expect(await connector.request({ type: 'ping' }, (m) => m.type === 'pong')).toEqual({
      type: 'pong',
    });
    await connector.close();
  });

  it('refuses items after the end and treats a second end as harmless', async () => {
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    await open(connector, 'call-ended');
    await utter(connector, 'call-ended', 1, 'bye');
    expect(
      await connector.request(
        { type: 'end', conversationId: 'call-ended' },
        (m) => m.type === 'ended',
      ),
    ).toMatchObject({ alreadyEnded: false });
    expect(
      await connector.request(
        { type: 'end', conversationId: 'call-ended' },
        (m) => m.type === 'ended',
      ),
    ).toMatchObject({ alreadyEnded: true });
    expect(await utter(connector, 'call-ended', 2, 'too late')).toMatchObject({
      code: 'conversation_ended',
    });
    await connector.close();
  });
});
