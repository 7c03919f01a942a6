import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallScript } from '../src/cli/replay/call-script.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import { replayCall } from '../src/cli/replay/replay-call.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** The Mandarin billing call of issue 18, through the service as `npm start` assembles it. */
const mandarinBillingCall: CallScript = {
  id: 'zh-double-charge',
  channel: 'voice',
  turns: [
    { speaker: 'agent', text: '您好，这里是星联宽带客服，请问有什么可以帮您？' },
    { speaker: 'customer', text: '你好，我这个月被扣了两次月费，同一笔钱扣了两次，太气人了！' },
    { speaker: 'agent', text: '非常抱歉给您带来不便，我帮您核实一下。' },
    { speaker: 'customer', text: '我要求退款，你们再不处理，我就取消服务，换别家了。' },
    { speaker: 'agent', text: '我查到了，您本月的月费确实被重复扣了一次，真的很抱歉。' },
    {
      speaker: 'agent',
      text: '我已经为您提交了退款申请，重复扣的199元会在3到5个工作日内退回到您的账户。',
    },
    { speaker: 'customer', text: '好的，那我等着。' },
    { speaker: 'agent', text: '感谢您的来电，祝您生活愉快，再见！' },
  ],
};

describe('a Mandarin call through the default pipeline', () => {
  let server: TestServer;
  let conversationId: string;
  beforeAll(async () => {
    server = await startTestServer({
      defaultCapabilities: true,
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '5000', CUECARD_LOAD_SHEDDING: 'false' },
    });
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await replayCall(connector, mandarinBillingCall, {
      conversationId: 'zh-call',
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
    });
    connector.close();
    await server.services.pipeline.drain();
    conversationId = (await server.services.conversations.findByExternalId('acme', 'zh-call'))!.id;
  });
  afterAll(async () => server?.close());

  it('gets a Chinese supervisor note and a refund follow-up due in five working days', async () => {
    const detail = (
      await server.call('GET', `/api/qa/conversations/${conversationId}`, server.keys.supervisor)
    ).json();
    const narrative: string = detail.wrapup.summary.narrative;
    expect(narrative).toMatch(/^客户反映/);
    expect(narrative).toMatch(/坐席致歉/);
    expect(narrative).toMatch(/结果：已安排退款。$/);
    expect(narrative).not.toMatch(/[A-Za-z]|您好/);

    const tasks = (await server.call('GET', '/api/follow-ups?status=open', server.keys.agent))
      .json()
      .tasks.filter((task: { conversationId: string }) => task.conversationId === conversationId);
    expect(tasks.map((task: { kind: string }) => task.kind)).toEqual(['refund']);
    const due = new Date(tasks[0].dueAt);
    const days = (due.getTime() - Date.now()) / 86_400_000;
    // Five working days is five to seven calendar days, never a weekend.
    expect(days).toBeGreaterThan(4);
    expect(days).toBeLessThan(8);
    expect([0, 6]).not.toContain(due.getUTCDay());
    expect(tasks[0].draftMessage).toMatch(/^您的退款（199元）已提交，预计.*前到账。$/);
  });
});
