import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { createConfiguredPiiRedactor, createTenantRedactor } from '../src/app/capabilities.js';
import { createPiiRedactor, type PiiRedactor } from '../src/understanding/pii/pii-redactor.js';
import { acceptedStallMs, slowRedactionMs } from '../src/understanding/pii/testing/slow-redact.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket, type Message } from './support/ws-client.js';

/**
 * Issue 17: no single message may stall the server. A long utterance is redacted in a worker
 * thread; while it is, the server's event loop keeps serving other requests, and one that cannot
 * be redacted in time is refused, never stored unredacted.
 */
const slow = {
  modulePath: fileURLToPath(
    new URL('../src/understanding/pii/testing/slow-redact.ts', import.meta.url),
  ),
  exportName: 'redactPiiSlowly',
};

/** What the utterance's envelope (type, ids, seq…) takes of the frame. */
const envelopeBytes = 200;
/**
 * The longest utterance the protocol takes (20,000 characters, src/app/ws/protocol.ts), of what
 * a chat customer can paste: cards, digits, spoken digits, Chinese numerals.
 */
const pasted = 'card 4111 1111 1111 1111 thanks five five five 1 1 1 a.a@ 一二三 '
  .repeat(400)
  .slice(0, 20_000);

const isAnswer = (seq: number) => (m: Message) =>
  (m.type === 'ack' || m.type === 'error') && m.seq === seq;

/** A server whose redaction is `redactor`, wired as in production (`createTenantRedactor`). */
async function serverRedactingWith(redactor: PiiRedactor): Promise<TestServer> {
  const config = loadConfig({});
  return startTestServer({ redact: createTenantRedactor(config, async () => ({}), redactor) });
}

async function openConversation(server: TestServer, conversationId: string) {
  const ingest = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
  const opened = await ingest.request(
    { type: 'open', conversationId, channel: 'chat', agentId: 'alice' },
    (m) => m.type === 'opened',
  );
  return { ingest, id: String(opened.id) };
}

/** Sends `pasted` as utterance 1; meanwhile measures the longest event-loop stall and /healthz. */
async function sendPasted(server: TestServer, ingest: TestSocket, conversationId: string) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let slowestHealthzMs = 0;
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const started = performance.now();
      const response = await fetch(`${server.httpUrl}/healthz`);
      expect(response.status).toBe(200);
      slowestHealthzMs = Math.max(slowestHealthzMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  delay.enable();
  try {
    const started = performance.now();
    const answer = await ingest.request(
      { type: 'utterance', conversationId, seq: 1, speaker: 'customer', text: pasted, final: true },
      isAnswer(1),
    );
    const tookMs = performance.now() - started;
    // A stall is recorded when the monitor's timer next runs: let it.
    await new Promise((resolve) => setTimeout(resolve, 30));
    return { answer, tookMs, stallMs: delay.max / 1e6, slowestHealthzMs };
  } finally {
    delay.disable();
    probing = false;
    await probe;
  }
}

describe('a long utterance never stalls the server', () => {
  it('fits the frame limit', () => {
    expect(pasted).toHaveLength(20_000);
    expect(Buffer.byteLength(pasted) + envelopeBytes).toBeLessThanOrEqual(65_536);
  });

  describe('while a slow redaction computes in its thread', () => {
    let server: TestServer;
    const redactor = createPiiRedactor({
      offLoopFromChars: 4_096,
      deadlineMs: 30_000,
      implementation: slow,
    });
    beforeAll(async () => {
      server = await serverRedactingWith(redactor);
    });
    afterAll(async () => {
      await server?.close();
      await redactor.close();
    });

    it('keeps serving /healthz and the loop, then stores the utterance redacted', async () => {
      const { ingest, id } = await openConversation(server, 'paste-1');
      // Thread start-up (loading the module) is not what is measured.
      await redactor.redact(pasted, { mode: 'mask' });
      const { answer, tookMs, stallMs, slowestHealthzMs } = await sendPasted(
        server,
        ingest,
        'paste-1',
      );
      expect(answer).toMatchObject({ type: 'ack', seq: 1, duplicate: false });
      // The redaction was slow: on the loop, it would have stalled everything for as long.
      expect(tookMs).toBeGreaterThanOrEqual(slowRedactionMs - 50);
      // Generous bounds for a shared machine; far below `slowRedactionMs`, which is how long a
      // /healthz request in flight would have waited behind redaction on the loop.
      expect(stallMs).toBeLessThan(acceptedStallMs);
      expect(slowestHealthzMs).toBeLessThan(slowRedactionMs / 2);
      const [item] = await server.services.conversations.items(id);
      expect(item?.kind).toBe('utterance');
      const text = item && 'text' in item ? item.text : '';
      expect(text).toContain('[CARD_NUMBER]');
      expect(text).not.toMatch(/4111|1111/);
      await ingest.close();
    });
  });

  describe('when redaction cannot finish in time', () => {
    let server: TestServer;
    const redactor = createPiiRedactor({
      offLoopFromChars: 4_096,
      deadlineMs: 300,
      implementation: slow,
    });
    beforeAll(async () => {
      server = await serverRedactingWith(redactor);
    });
    afterAll(async () => {
      await server?.close();
      await redactor.close();
    });

    it('refuses the message on `text`, stores nothing, and keeps the socket', async () => {
      const { ingest, id } = await openConversation(server, 'paste-2');
      const { answer } = await sendPasted(server, ingest, 'paste-2');
      expect(answer).toMatchObject({
        type: 'error',
        code: 'validation_failed',
        field: 'text',
        retryable: false,
        details: { reason: 'payload_too_complex' },
      });
      expect(await server.services.conversations.items(id)).toEqual([]);
      expect(ingest.isOpen).toBe(true);
      // The sequence number was not used up: the connector sends something shorter instead.
      const shorter = await ingest.request(
        {
          type: 'utterance',
          conversationId: 'paste-2',
          seq: 1,
          speaker: 'customer',
          text: 'my card is 4111 1111 1111 1111',
          final: true,
        },
        isAnswer(1),
      );
      expect(shorter).toMatchObject({ type: 'ack', seq: 1 });
      await ingest.close();
    });
  });

  describe('with the configured redactor', () => {
    let server: TestServer;
    const redactor = createConfiguredPiiRedactor(loadConfig({}));
    beforeAll(async () => {
      server = await serverRedactingWith(redactor);
    });
    afterAll(async () => {
      await server?.close();
      await redactor.close();
    });

    it('redacts the longest pasted utterance off the loop, leaving no card number', async () => {
      const { ingest, id } = await openConversation(server, 'paste-3');
      const { answer, stallMs } = await sendPasted(server, ingest, 'paste-3');
      expect(answer).toMatchObject({ type: 'ack', seq: 1 });
      expect(stallMs).toBeLessThan(acceptedStallMs);
      const [item] = await server.services.conversations.items(id);
      const text = item && 'text' in item ? item.text : '';
      expect(text).toContain('[CARD_NUMBER]');
      expect(text).not.toMatch(/4111|1111/);
      await ingest.close();
    });
  });
});
