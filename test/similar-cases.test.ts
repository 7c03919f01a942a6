import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCallScripts } from '../src/cli/replay/call-script.js';
import { replayCall } from '../src/cli/replay/replay-call.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import { engines } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

describe.each(engines)('similar past cases on %s', (engine) => {
  let server: TestServer;
  let solvedId: string;
  beforeAll(async () => {
    server = await startTestServer({
      engine,
      defaultCapabilities: true,
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000' },
    });
    const [script] = (await loadCallScripts(path.resolve('knowledge/demo-calls'))).filter(
      (s) => s.id === 'demo-double-charge',
    );
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await replayCall(connector, script!, {
      conversationId: 'solved-before',
      agentId: 'bob',
      turnGapMs: 0,
      interims: 0,
    });
    connector.close();
    await server.services.pipeline.drain();
    solvedId = (await server.services.conversations.findByExternalId('acme', 'solved-before'))!.id;
  });
  afterAll(async () => server?.close());

  async function liveCall(id: string, text: string) {
    const agent = await TestSocket.connect(`${server.wsUrl}/ws/subscribe`, server.keys.agent);
    await agent.request({ type: 'subscribe', scope: 'agent' }, (m) => m.type === 'subscribed');
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    await connector.request(
      { type: 'open', conversationId: id, channel: 'chat', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
    await connector.request(
      { type: 'utterance', conversationId: id, seq: 1, speaker: 'customer', text, final: true },
      (m) => m.type === 'ack',
    );
    await server.services.pipeline.drain();
    await agent.request({ type: 'ping' }, (m) => m.type === 'pong');
    await Promise.all([agent.close(), connector.close()]);
    return agent
      .events()
      .filter(
        (e) =>
          e.type === 'suggestion' && (e.suggestion as { kind: string }).kind === 'similar-case',
      );
  }

  it("shows the agent how another agent solved the same problem, with that case's summary", async () => {
    const cases = await liveCall(
      'same-problem',
      'Hello, I have been charged twice for my subscription this month and I am pretty annoyed about it.',
    );
    expect(cases).toHaveLength(1);
    expect(cases[0]!.suggestion).toMatchObject({ conversationId: solvedId });
    expect(String((cases[0]!.suggestion as { summary: string }).summary).length).toBeGreaterThan(
      20,
    );
    expect((cases[0]!.suggestion as { reason: string }).reason).toMatch(/similarity/);
  });

  it('shows nothing for an unrelated problem', async () => {
    const cases = await liveCall(
      'other-problem',
      'My parcel with the garden furniture never arrived and the tracking page has said in transit for ten days.',
    );
    expect(cases).toHaveLength(0);
  });
});
