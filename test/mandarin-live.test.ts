import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, EventBody, Suggestion } from '../src/conversations/events.js';
import type { CallScript } from '../src/cli/replay/call-script.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import { replayCall } from '../src/cli/replay/replay-call.js';
import type { AnalyzerResults } from '../src/pipeline/contract.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * Live assist on a Mandarin call (issue 18 item 1), through the service as `npm start` assembles
 * it: what the agent sees while a customer who was charged twice is helped. Two earlier calls,
 * resolved and wrapped up, are the cases it may be shown.
 */
const earlierDoubleCharge: CallScript = {
  id: 'zh-earlier-double-charge',
  channel: 'voice',
  turns: [
    { speaker: 'agent', text: '您好，这里是星联客服，本次通话可能会被录音，请问有什么可以帮您？' },
    { speaker: 'customer', text: '你好，我上个月的套餐费被重复扣了，同样的六十八元扣了两次。' },
    { speaker: 'agent', text: '非常抱歉，我先核实一下您的身份，请报一下机主姓名。' },
    { speaker: 'customer', text: '王芳。两笔扣款都是同一天的，多扣的钱能退吗？' },
    { action: 'verify-identity' },
    { speaker: 'agent', text: '查到了，确实重复扣费了一次，多扣的六十八元已经为您办理退款。' },
    { action: 'issue-refund' },
    { speaker: 'customer', text: '好的，谢谢，问题解决了。' },
    { speaker: 'agent', text: '不客气，祝您生活愉快，再见。' },
  ],
};

const earlierOutage: CallScript = {
  id: 'zh-earlier-outage',
  channel: 'voice',
  turns: [
    { speaker: 'agent', text: '您好，这里是星联客服，本次通话可能会被录音，请问有什么可以帮您？' },
    { speaker: 'customer', text: '我家宽带从昨天下午开始就断网了，光猫的灯一直闪红色。' },
    { speaker: 'agent', text: '请问您的安装地址是哪个小区？' },
    { speaker: 'customer', text: '阳光花园三期，重启了好几次路由器也上不了网。' },
    { speaker: 'agent', text: '查到了，您所在小区有线路故障，正在抢修，预计今晚八点前恢复。' },
    { speaker: 'customer', text: '好的，知道了。' },
    { speaker: 'agent', text: '给您添麻烦了，再见。' },
  ],
};

const newCall: CallScript = {
  id: 'zh-new-double-charge',
  channel: 'voice',
  turns: [
    { speaker: 'agent', text: '您好，星联客服，请问有什么可以帮您？' },
    {
      speaker: 'customer',
      text: '我这个月的套餐费扣了两遍，账单上两笔一模一样的扣款，你们怎么回事！',
    },
    {
      speaker: 'agent',
      text: '非常抱歉给您添麻烦了。为了保障账户安全，我需要先核实一下您的身份，请报一下身份证后四位。',
    },
    { speaker: 'customer', text: '后四位是0312。你们再这样乱扣钱，我就去办携号转网。' },
    {
      speaker: 'agent',
      text: '好的，验证通过。我看到本月3号有两笔六十八元的扣款，第二笔是系统重复扣的。',
    },
    {
      speaker: 'agent',
      text: '您放心，多扣的六十八元我已经为您办理退款了，保证明天就能到账。',
    },
    { speaker: 'customer', text: '太好了，谢谢你，问题解决了。' },
    { speaker: 'agent', text: '不客气，请问还有其他可以帮您的吗？祝您生活愉快，再见。' },
  ],
};

type Analysis<N extends keyof AnalyzerResults> = { seq: number; result: AnalyzerResults[N] };

describe('live assist on a Mandarin call, through the default pipeline', () => {
  let server: TestServer;
  const ids: Record<string, string> = {};
  let events: EventBody[];
  beforeAll(async () => {
    server = await startTestServer({
      defaultCapabilities: true,
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000', CUECARD_LOAD_SHEDDING: 'false' },
    });
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    for (const script of [earlierDoubleCharge, earlierOutage, newCall]) {
      await replayCall(connector, script, {
        conversationId: script.id,
        agentId: 'alice',
        turnGapMs: 0,
        interims: 0,
      });
      // Each earlier call is wrapped up (and becomes a case) before the next one starts.
      await server.services.pipeline.drain();
      ids[script.id] = (await server.services.conversations.findByExternalId(
        'acme',
        script.id,
      ))!.id;
    }
    connector.close();
    const { rows } = await server.services.db.query<{ payload: EventBody }>(
      'SELECT payload FROM events WHERE conversation_id = $1 ORDER BY id',
      [ids[newCall.id]!],
    );
    events = rows.map((row) => row.payload);
  }, 120_000);
  afterAll(async () => server?.close());

  const alerts = (): Alert[] =>
    events.flatMap((event) => (event.type === 'alert' ? [event.alert] : []));
  const suggestions = (): Suggestion[] =>
    events.flatMap((event) => (event.type === 'suggestion' ? [event.suggestion] : []));
  function analyses<N extends keyof AnalyzerResults>(name: N): Analysis<N>[] {
    return events.flatMap((event) =>
      event.type === 'analysis' && event.analyzer === name
        ? [{ seq: event.seq, result: event.result as AnalyzerResults[N] }]
        : [],
    );
  }

  it('shows every alert with a Chinese title: leaving, a guaranteed date, no recording notice', () => {
    const titles = alerts().map((alert) => [alert.kind, alert.title]);
    expect(titles).toEqual(
      expect.arrayContaining([
        ['churn', '客户想要离网'],
        ['compliance', '坐席做出了保证或承诺时限'],
        ['compliance', '未告知通话录音提示'],
      ]),
    );
    for (const alert of alerts()) expect(alert.title).toMatch(/\p{Script=Han}/u);
  });

  it('marks the billing-dispute steps done from what the agent said, next steps in Chinese', () => {
    const last = analyses('playbook').at(-1)!.result;
    expect(last.playbookId).toBe('billing-dispute');
    expect(last.title).toBe('账单争议');
    expect(last.done).toEqual(
      expect.arrayContaining([
        'verify-identity',
        'identify-charge',
        'explain-or-correct',
        'confirm-close',
      ]),
    );
    expect(last.complete).toBe(true);
    const nextSteps = suggestions().filter((suggestion) => suggestion.kind === 'next-step');
    expect(nextSteps.length).toBeGreaterThanOrEqual(2);
    for (const step of nextSteps) expect(step.title).toMatch(/\p{Script=Han}/u);
  });

  it('raises the live CSAT estimate when the customer closes satisfied', () => {
    const health = analyses('customer-health');
    const [first, last] = [health[0]!.result, health.at(-1)!.result];
    expect(last.csat).toBeGreaterThan(first.csat);
    expect(health.some((entry) => entry.result.churnReasons.join(' ').includes('cancel'))).toBe(
      true,
    );
  });

  it('shows the earlier double-charge case, not the outage one, with a Chinese reason', () => {
    const cases = suggestions().filter((suggestion) => suggestion.kind === 'similar-case');
    expect(cases.map((found) => found.conversationId)).toEqual([ids[earlierDoubleCharge.id]]);
    expect(cases[0]!.reason).toMatch(/案例/);
    expect(cases[0]!.summary).toMatch(/\p{Script=Han}/u);
  });

  it('suggests offline replies in Chinese', () => {
    const replies = suggestions().filter((suggestion) => suggestion.kind === 'reply');
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) {
      expect(reply.text).not.toMatch(/[A-Za-z]{3,}/);
      expect(reply.reason).toMatch(/^建议回复/);
    }
  });
});
