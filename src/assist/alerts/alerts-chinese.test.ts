import { describe, expect, it } from 'vitest';
import type { Alert, EventBody } from '../../conversations/events.js';
import type { AnalyzerContext } from '../../pipeline/analyzer.js';
import { createSentimentModel } from '../../understanding/sentiment/index.js';
import { createSentimentAnalyzer } from '../../understanding/sentiment/sentiment-analyzer.js';
import { runAnalyzer, testConversation, toItem, type Turn } from '../testing/transcript-fixture.js';
import { createAlertsAnalyzer } from './alerts-analyzer.js';

/** Churn, escalation and compliance alerts on Mandarin calls (issue 18), as the agent sees them. */
function alertsOf(runs: Awaited<ReturnType<typeof runAnalyzer>>): Alert[] {
  return runs.flatMap((run) =>
    (run.output?.events ?? []).flatMap((event: EventBody) =>
      event.type === 'alert' ? [event.alert] : [],
    ),
  );
}

async function alertsFor(turns: Turn[]): Promise<Alert[]> {
  return alertsOf(await runAnalyzer(createAlertsAnalyzer(), turns));
}

const kinds = (alerts: Alert[]) => alerts.map((alert) => [alert.kind, alert.title]);

describe('alerts on Mandarin calls', () => {
  it('flags a customer who wants to cancel or switch provider, worded many ways', async () => {
    for (const text of [
      '取消服务，换别家',
      '我要把你们的宽带取消掉',
      '我要退订这个套餐',
      '我明天就去销户',
      '大不了我换一家运营商',
      '我要携号转网',
      '以后不用你们的了',
      '我想把合约解约了',
      '我想把家里的宽带取消掉',
      '隔壁邻居用别家的，一个月才九十九',
    ]) {
      expect(kinds(await alertsFor([{ customer: text }])), text).toEqual([
        ['churn', '客户想要离网'],
      ]);
    }
  });

  it('quotes the customer words it matched, not a pattern', async () => {
    const [alert] = await alertsFor([{ customer: '我要把你们的宽带取消掉' }]);
    expect(alert!.reason).toContain('宽带取消');
    expect(alert!.reason).not.toContain('/');
    expect(alert!.reason).not.toMatch(/[A-Za-z]/);
  });

  it('does not flag a customer who says they will not leave or only asks about an order', async () => {
    for (const text of [
      '我不想取消服务，只想把钱退回来',
      '我没有要退订的意思',
      '帮我取消这个订单',
      '我想换一个套餐',
      '我家的宽带一直掉线',
    ]) {
      expect(await alertsFor([{ customer: text }]), text).toEqual([]);
    }
  });

  it('escalates on a request for a manager and on regulator or complaint threats', async () => {
    expect(kinds(await alertsFor([{ customer: '我要找你们领导' }]))).toEqual([
      ['escalation', '客户要求找主管'],
    ]);
    for (const text of ['我要打12315', '我要去工信部投诉你们', '我要向消费者协会反映']) {
      expect(await alertsFor([{ customer: text }]), text).toMatchObject([
        { kind: 'escalation', severity: 'critical' },
      ]);
    }
  });

  it('reads traditional characters', async () => {
    expect(kinds(await alertsFor([{ customer: '取消服務，換別家' }]))).toEqual([
      ['churn', '客户想要离网'],
    ]);
    expect(kinds(await alertsFor([{ customer: '我明天就去銷戶' }]))).toEqual([
      ['churn', '客户想要离网'],
    ]);
    expect(await alertsFor([{ customer: '我要找你們經理，我要投訴' }])).toMatchObject([
      { kind: 'escalation', severity: 'warning' },
      { kind: 'escalation', severity: 'critical' },
    ]);
  });

  it('works turn by turn in a call that mixes Chinese and English', async () => {
    const alerts = await alertsFor([
      { customer: 'Hi, my bill 被扣了两次' },
      { agent: 'Sorry, 我帮您查一下' },
      { customer: '不行的话 I will cancel my plan' },
      { customer: '而且我要 speak to your manager' },
      { customer: '再不解决我就换别家' },
    ]);
    expect(alerts.map((alert) => [alert.kind, alert.evidence])).toEqual([
      ['churn', [3]],
      ['escalation', [4]],
    ]);
  });

  it('flags a missing recording notice when a Mandarin agent closes the call', async () => {
    const voice = { ...testConversation, channel: 'voice' as const };
    const run = async (turns: Turn[]) => {
      const analyzer = createAlertsAnalyzer();
      const transcript = turns.map((turn, i) => toItem(turn, i + 1));
      const alerts: Alert[] = [];
      let state: unknown;
      for (const item of transcript) {
        const output = await analyzer.analyze({
          tenantId: 't',
          conversation: voice,
          item,
          transcript: transcript.slice(0, item.seq),
          previous: {},
          state,
          signal: new AbortController().signal,
        });
        state = output?.state;
        for (const event of output?.events ?? [])
          if (event.type === 'alert') alerts.push(event.alert);
      }
      return alerts;
    };
    const missing = await run([
      { agent: '您好，请问有什么可以帮您？' },
      { customer: '查一下话费' },
      { agent: '好的，已经处理好了，祝您愉快，拜拜。' },
    ]);
    expect(kinds(missing)).toEqual([['compliance', '未告知通话录音提示']]);
    const given = await run([
      { agent: '您好，为了保证服务质量，本次通话将被录音。' },
      { customer: '查一下话费' },
      { agent: '好的，祝您生活愉快，再见。' },
    ]);
    expect(given).toEqual([]);
  });

  it('raises the upset-customer alert from the real sentiment analyzer on a Mandarin call', async () => {
    const turns: Turn[] = [
      { customer: '你好，我想问一下这个月的账单。' },
      { customer: '怎么被扣了两次钱？' },
      { customer: '太气人了！每次都这样，你们太过分了！' },
    ];
    const sentiment = createSentimentAnalyzer({ model: await createSentimentModel() });
    const produced = await runAnalyzer(sentiment, turns);
    const bySeq = new Map(produced.map((run) => [run.item.seq, run.output?.result]));
    const alerts = alertsOf(
      await runAnalyzer(createAlertsAnalyzer(), turns, {
        previous: (item): AnalyzerContext<'sentiment' | 'intent'>['previous'] => {
          const result = bySeq.get(item.seq);
          return result ? { sentiment: result } : {};
        },
      }),
    );
    expect(kinds(alerts)).toEqual([['escalation', '客户情绪越来越差']]);
  });

  it('flags an agent who guarantees a refund or a date, and not one who is careful', async () => {
    for (const text of [
      '您放心，我保证三天内把钱退回到您的卡上。',
      '这笔退款一定会在明天到账的。',
      '我跟您打包票，今天肯定能修好。',
      '百分之百给您退款，您不用担心。',
      '我們保證五個工作日內退還。',
    ]) {
      expect(kinds(await alertsFor([{ agent: text }])), text).toEqual([
        ['compliance', '坐席做出了保证或承诺时限'],
      ]);
    }
    for (const text of [
      '退款一般3到5个工作日到账，具体以银行为准。',
      '这个我不能保证明天到账，但会尽快处理。',
      '肯定是系统重复扣费了，我这就给您退款。',
      '为了保证服务质量，本次通话可能会被录音。',
      '不一定今天能恢复，工程师正在抢修。',
    ]) {
      expect(await alertsFor([{ agent: text }]), text).toEqual([]);
    }
  });

  it('names the agent words in a Chinese promise alert and raises it once', async () => {
    const alerts = await alertsFor([
      { customer: '钱什么时候能退回来？' },
      { agent: '我保证三天内到账。' },
      { agent: '一定三天内到账。' },
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.reason).toContain('保证三天');
    expect(alerts[0]!.evidence).toEqual([2]);
  });

  it('titles every alert of a Chinese call in Chinese, actions included', async () => {
    const alerts = await alertsFor([
      { customer: '我要退款，再不退我就去消协投诉，还要找你们经理。' },
      { action: 'issue-refund' },
    ]);
    expect(alerts.map((alert) => alert.kind)).toEqual(['escalation', 'escalation', 'compliance']);
    for (const alert of alerts) {
      expect(alert.title).toMatch(/\p{Script=Han}/u);
      // Action names are identifiers and stay as they are; the sentences around them are Chinese.
      expect(alert.title + alert.reason).not.toMatch(/\b(?:the|was|said|before|follow)\b/i);
    }
    expect(alerts[2]!.title).toBe('未核实身份就变更了账户');
  });
});
