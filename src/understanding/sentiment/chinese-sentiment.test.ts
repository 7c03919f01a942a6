import { beforeAll, describe, expect, it } from 'vitest';
import { runAnalyzer, type Turn } from '../../assist/testing/transcript-fixture.js';
import { createSentimentModel, type SentimentModel } from './index.js';
import { createSentimentAnalyzer, type SentimentAnalyzerResult } from './sentiment-analyzer.js';

/**
 * Mandarin calls through the real model and analyzer (issue 18): what an agent reads on the
 * console for each turn of a billing call, in simplified, traditional and mixed script.
 */
let model: SentimentModel;
beforeAll(async () => {
  model = await createSentimentModel();
});

async function labelsOf(turns: Turn[]): Promise<SentimentAnalyzerResult[]> {
  const runs = await runAnalyzer(createSentimentAnalyzer({ model }), turns);
  return runs.map((run) => run.output!.result!);
}

async function label(text: string): Promise<string> {
  return (await model.score(text)).label;
}

describe('Mandarin sentiment', () => {
  it('hears exasperation at the company, not a question about what happened', async () => {
    expect(await label('两笔一模一样的扣款，你们怎么回事！')).toBe('negative');
    expect(await label('你们到底是怎么搞的？')).toBe('negative');
    expect(await label('我被扣了两遍月费')).toBe('negative');
    expect(await label('请问这是怎么回事？')).toBe('neutral');
  });

  it('follows a billing call: anger, apology, threat to leave, refund, polite close', async () => {
    const results = await labelsOf([
      { agent: '您好，请问有什么可以帮您？' },
      { customer: '我这个月的话费被扣了两次！' },
      { customer: '太气人了！' },
      { agent: '非常抱歉给您带来不便，我马上帮您查一下。' },
      { customer: '每次都这样，再这样我就取消服务，换别家了。' },
      { agent: '实在不好意思，多扣的费用会在3到5个工作日内退回您的账户。' },
      { customer: '好的，谢谢。' },
      { agent: '不客气，祝您生活愉快，再见。' },
    ]);
    expect(results.map((result) => result.label)).toEqual([
      'neutral',
      'negative',
      'negative',
      // The agent's apology is courtesy, not the agent's displeasure.
      'neutral',
      'negative',
      // Naming the double charge while promising its refund is no complaint.
      'neutral',
      'positive',
      'positive',
    ]);
    expect(results[4]!.customerTrend!.direction).toBe('worsening');
    expect(results[6]!.customerTrend!.direction).toBe('improving');
  });

  it('reads intensifiers, exclamations and negation', async () => {
    expect(await label('太气人了！')).toBe('negative');
    expect(await label('真让人生气')).toBe('negative');
    expect(await label('气死我了')).toBe('negative');
    expect(await label('简直太离谱了！')).toBe('negative');
    expect(await label('真是太好了！')).toBe('positive');
    expect(await label('我很不满意')).toBe('negative');
    expect(await label('问题没解决')).toBe('negative');
    // A stronger wording scores stronger.
    const plain = (await model.score('我很生气')).score;
    const strong = (await model.score('我非常非常生气！')).score;
    expect(strong).toBeLessThan(plain);
  });

  it('takes apologies and courtesy as courtesy, from either side', async () => {
    for (const text of [
      '对不起，让您久等了。',
      '不好意思，给您添麻烦了。',
      '非常抱歉给您带来的不便，请您谅解。',
      '我理解您的心情，我们一定尽快处理。',
    ]) {
      expect(await label(text), text).not.toBe('negative');
    }
    // An apology the customer rejects is still displeasure.
    expect(await label('光说对不起有什么用！')).toBe('negative');
  });

  it('reads traditional characters as their simplified forms', async () => {
    expect(await label('太氣人了！')).toBe('negative');
    expect(await label('對不起，讓您久等了。')).not.toBe('negative');
    expect(await label('我要取消服務，換別家')).toBe('negative');
    expect(await label('非常滿意，謝謝')).toBe('positive');
  });

  it('scores mixed Chinese and English turns on both parts', async () => {
    expect(await label('这个 bill 太离谱了')).toBe('negative');
    expect(await label('You charged me twice, 太气人了')).toBe('negative');
    expect(await label('I am really angry, 我要投诉')).toBe('negative');
    expect(await label('OK 好的，thank you so much')).toBe('positive');
  });
});
