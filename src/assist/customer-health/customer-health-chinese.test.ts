import { describe, expect, it } from 'vitest';
import { createSentimentModel } from '../../understanding/sentiment/index.js';
import { createSentimentAnalyzer } from '../../understanding/sentiment/sentiment-analyzer.js';
import { runAnalyzer, type Turn } from '../testing/transcript-fixture.js';
import {
  createCustomerHealthAnalyzer,
  type CustomerHealthResult,
} from './customer-health-analyzer.js';

/**
 * Live CSAT and churn cues on Mandarin calls (issue 18), fed by the real sentiment analyzer as in
 * the default pipeline: what the supervisor's board shows turn by turn.
 */
const sentiment = createSentimentAnalyzer({ model: await createSentimentModel() });

async function health(turns: Turn[]): Promise<CustomerHealthResult[]> {
  const scored = await runAnalyzer(sentiment, turns);
  const bySeq = new Map(scored.map((run) => [run.item.seq, run.output?.result]));
  const runs = await runAnalyzer(createCustomerHealthAnalyzer(), turns, {
    previous: (item) => {
      const result = bySeq.get(item.seq);
      return result ? { sentiment: result } : {};
    },
  });
  return runs.flatMap((run) => (run.output?.result ? [run.output.result] : []));
}

const opening: Turn[] = [
  { agent: '您好，请问有什么可以帮您？' },
  { customer: '你好，我这个月的宽带费好像扣了两次。' },
  { agent: '非常抱歉，我帮您查一下。查到了，确实重复扣了一次，我已经为您办理退款。' },
];

describe('customer health on Mandarin calls', () => {
  it('raises the CSAT estimate on a satisfied close and lowers it on an angry one', async () => {
    const satisfied = await health([...opening, { customer: '太好了，谢谢你，问题解决了。' }]);
    const angry = await health([
      ...opening,
      { customer: '你们每次都这样，太气人了，我对你们的服务非常不满意！' },
    ]);
    const before = satisfied[0]!.csat;
    expect(satisfied.at(-1)!.csat).toBeGreaterThan(before);
    expect(satisfied.at(-1)!.csat).toBeGreaterThan(angry.at(-1)!.csat + 1);
    expect(angry.at(-1)!.csat).toBeLessThan(before);
    expect(angry.at(-1)!.csat).toBeLessThan(3);
  });

  it('moves like the English equivalent of the same call', async () => {
    const english = await health([
      { agent: 'Hello, how can I help?' },
      { customer: 'Hi, I think my internet bill was charged twice this month.' },
      { agent: 'I am sorry, let me check. Yes, it was charged twice; I have issued a refund.' },
      { customer: 'Great, thank you, that solved it.' },
    ]);
    const chinese = await health([...opening, { customer: '太好了，谢谢你，问题解决了。' }]);
    expect(Math.sign(chinese.at(-1)!.csat - chinese[0]!.csat)).toBe(
      Math.sign(english.at(-1)!.csat - english[0]!.csat),
    );
  });

  it('does not lift CSAT for a thanks that says the problem is not solved', async () => {
    const unsolved = await health([
      ...opening,
      { customer: '谢谢，但是问题还是没有解决，我已经打了三次电话了。' },
    ]);
    const solved = await health([...opening, { customer: '谢谢，问题解决了。' }]);
    // Where the estimate stood, give or take how the words themselves score: no thanks lift.
    expect(unsolved.at(-1)!.csat).toBeLessThan(2.5);
    expect(unsolved.at(-1)!.csat).toBeLessThan(solved.at(-1)!.csat - 1);
  });

  it('raises churn risk with the reason when a Chinese customer threatens to leave', async () => {
    const results = await health([
      ...opening,
      { customer: '再这样我就把宽带停掉，换一家运营商。' },
    ]);
    const [first, last] = [results[0]!, results.at(-1)!];
    expect(last.churnRisk).toBeGreaterThan(first.churnRisk + 0.2);
    expect(last.churnRiskChange).toBeGreaterThan(0.2);
    expect(last.churnReasons.join(' ')).toMatch(/cancel/);
  });

  it('does not raise churn risk when the customer says they will stay', async () => {
    const results = await health([
      ...opening,
      { customer: '我不想取消服务，只要把钱退回来就行。' },
    ]);
    expect(results.at(-1)!.churnReasons.join(' ')).not.toMatch(/cancel|another provider/);
  });
});
