import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/test-server.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import type { IngestSocket } from '../src/cli/replay/replay-call.js';
import type { CuecardEvent } from '../src/conversations/events.js';

/** Latin letters: an English code word ("cancel subscription") inside a Chinese sentence. */
const latin = /[A-Za-z]/;

/**
 * A Mandarin call through the production pipeline (shipped intent model, real playbooks and
 * alert rules): the reasons the agent reads name the customer's request in Chinese, with the
 * taxonomy's `label_zh`, never with the intent's English code words.
 */
describe('intent names in Chinese reasons', () => {
  let server: TestServer;
  let connector: IngestSocket & { close(): void };

  beforeAll(async () => {
    server = await startTestServer({
      defaultCapabilities: true,
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000', CUECARD_LOAD_SHEDDING: 'false' },
    });
    connector = await connectIngest(server.wsUrl, server.keys.connector);
  });
  afterAll(async () => {
    connector?.close();
    await server?.close();
  });

  /** Opens a Mandarin call, plays the customer's lines, and returns its stored events. */
  async function mandarinCall(externalId: string, lines: string[]): Promise<CuecardEvent[]> {
    const opened = await connector.request({
      type: 'open',
      conversationId: externalId,
      channel: 'voice',
      agentId: 'alice',
      language: 'zh',
    });
    expect(opened.type).not.toBe('error');
    for (const [index, text] of lines.entries()) {
      const reply = await connector.request({
        type: 'utterance',
        conversationId: externalId,
        seq: index + 1,
        speaker: 'customer',
        text,
        final: true,
      });
      expect(reply.type).not.toBe('error');
    }
    await server.services.pipeline.drain();
    const conversation = await server.services.conversations.findByExternalId('acme', externalId);
    const detail = await server.call(
      'GET',
      `/api/conversations/${conversation!.id}`,
      server.keys.supervisor,
    );
    return detail.json().events as CuecardEvent[];
  }

  it('names the intent in Chinese in the churn alert and the next-step explanation', async () => {
    // Recognised as the cancel intent by the model; no leaving phrase for the rules to quote.
    const events = await mandarinCall('zh-cancel-by-intent', ['合约到期后我就不续了，帮我取消']);
    const intent = events.find(
      (event): event is Extract<CuecardEvent, { type: 'analysis'; analyzer: 'intent' }> =>
        event.type === 'analysis' && event.analyzer === 'intent',
    );
    expect(intent?.result).toMatchObject({ intent: 'cancel_subscription', labelZh: '取消服务' });

    const churn = events.flatMap((event) =>
      event.type === 'alert' && event.alert.kind === 'churn' ? [event.alert] : [],
    );
    expect(churn).toHaveLength(1);
    expect(churn[0]!.reason).toBe('客户的诉求像是"取消服务"。可以考虑提供挽留方案。');

    const nextStep = events.flatMap((event) =>
      event.type === 'suggestion' && event.suggestion.kind === 'next-step'
        ? [event.suggestion]
        : [],
    );
    expect(nextStep).toHaveLength(1);
    expect(nextStep[0]!.reason).toContain('客户的诉求像是"取消服务"');
    expect(nextStep[0]!.reason).not.toMatch(latin);
  });

  it('keeps the label through the conversation intent that later turns read', async () => {
    const events = await mandarinCall('zh-outage-by-intent', [
      '你好，我家宽带从昨天晚上开始就断网了，路由器上的灯一直是红的，重启了好几次也没用。',
      '邮编是 200031。',
    ]);
    const intents = events.flatMap((event) =>
      event.type === 'analysis' && event.analyzer === 'intent' ? [event.result] : [],
    );
    expect(intents.at(-1)).toMatchObject({
      conversation: { intent: 'report_outage', labelZh: '报修断网' },
    });
    const reasons = events.flatMap((event) =>
      event.type === 'suggestion' && event.suggestion.kind === 'next-step'
        ? [event.suggestion.reason]
        : [],
    );
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason).not.toMatch(latin);
  });
});
