import { beforeAll, describe, expect, it } from 'vitest';
import type { Analyzer, AnalyzerContext } from '../../pipeline/analyzer.js';
import type { ConversationRecord, Speaker, UtteranceItem } from '../../conversations/types.js';
import { createSentimentModel } from './index.js';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { createUseEmbeddingModel } from '../../providers/local/use-embedding-model.js';
import { createSentimentAnalyzer, type SentimentAnalyzerResult } from './sentiment-analyzer.js';
import type { ExternalSentiment } from './external-sentiment.js';
import { CuecardError } from '../../errors/cuecard-error.js';

const conversation: ConversationRecord = {
  id: 'c1',
  tenantId: 't1',
  externalId: 'call-1',
  channel: 'voice',
  agentId: 'a1',
  customerId: null,
  customerAttributes: {},
  language: null,
  status: 'active',
  lastSeq: 0,
  metadata: {},
  startedAt: new Date(0).toISOString(),
  endedAt: null,
};

/** Feeds utterances one by one, handing back the state as the pipeline does. */
async function run(
  analyzer: Analyzer<'sentiment', 'language'>,
  turns: Array<[Speaker, string]>,
): Promise<SentimentAnalyzerResult[]> {
  let state: unknown;
  const transcript: UtteranceItem[] = [];
  const results: SentimentAnalyzerResult[] = [];
  for (const [speaker, text] of turns) {
    const item: UtteranceItem = {
      kind: 'utterance',
      conversationId: conversation.id,
      seq: transcript.length + 1,
      speaker,
      text,
      startMs: null,
      endMs: null,
      language: null,
      createdAt: new Date(0).toISOString(),
    };
    transcript.push(item);
    const context: AnalyzerContext = {
      tenantId: 't1',
      conversation,
      item,
      transcript,
      previous: {},
      state,
      signal: new AbortController().signal,
    };
    const output = await analyzer.analyze(context);
    state = output?.state;
    results.push(output?.result as SentimentAnalyzerResult);
  }
  return results;
}

let analyzer: Analyzer<'sentiment', 'language'>;
beforeAll(async () => {
  analyzer = createSentimentAnalyzer({ model: await createSentimentModel() });
});

describe('sentiment analyzer', () => {
  it('follows a call that goes bad, then is rescued', async () => {
    const results = await run(analyzer, [
      ['agent', 'Thanks for calling, how can I help you today?'],
      ['customer', 'Hi, I have a question about my bill.'],
      ['customer', 'You charged me twice this month and nobody called me back.'],
      ['customer', 'Great, another hour on hold. This is ridiculous, I want to cancel.'],
      ['agent', 'I am so sorry about that, I have refunded the duplicate charge.'],
      ['customer', 'Oh, thank you, that is really helpful.'],
      ['customer', 'Perfect, thanks so much for sorting it out!'],
    ]);
    expect(results.map((r) => r.speaker)).toEqual([
      'agent',
      'customer',
      'customer',
      'customer',
      'agent',
      'customer',
      'customer',
    ]);
    expect(results[0]!.customerTrend).toBeNull();
    expect(results[3]!.label).toBe('negative');
    expect(results[3]!.customerTrend!.direction).toBe('worsening');
    expect(results[3]!.customerTrend!.ewma).toBeLessThan(0);
    expect(results[6]!.label).toBe('positive');
    expect(results[6]!.customerTrend!.direction).toBe('improving');
    expect(results[6]!.customerTrend!.ewma).toBeGreaterThan(results[3]!.customerTrend!.ewma);
    // Agent turns do not move the customer's trend.
    expect(results[4]!.customerTrend).toEqual(results[3]!.customerTrend);
    // Running averages per speaker.
    const customerScores = [1, 2, 3, 5, 6].map((i) => results[i]!.score);
    const mean = customerScores.reduce((a, b) => a + b, 0) / customerScores.length;
    expect(results[6]!.averages.customer).toBeCloseTo(mean, 2);
    expect(Object.keys(results[6]!.averages).sort()).toEqual(['agent', 'customer']);
  });

  it('scores Chinese calls', async () => {
    const results = await run(analyzer, [
      ['customer', '我的快递等了五天还没到，太失望了'],
      ['customer', '好的，非常感谢，服务很满意'],
    ]);
    expect(results.map((r) => r.label)).toEqual(['negative', 'positive']);
    expect(results[1]!.customerTrend!.direction).toBe('improving');
  });

  describe('with the sentence encoder', () => {
    let encoder: EmbeddingModel;
    beforeAll(async () => {
      encoder = await createUseEmbeddingModel();
    });

    it('follows the same call the same way', async () => {
      const withEncoder = createSentimentAnalyzer({
        model: await createSentimentModel({ embeddingModel: encoder }),
      });
      // It waits on a worker thread: the pipeline must treat it as heavy.
      expect(withEncoder.cost).toBe('heavy');
      const results = await run(withEncoder, [
        ['customer', 'You charged me twice this month and nobody called me back.'],
        ['customer', 'Great, another hour on hold. This is ridiculous, I want to cancel.'],
        ['customer', 'Perfect, thanks so much for sorting it out!'],
      ]);
      expect(results.map((r) => r.label)).toEqual(['negative', 'negative', 'positive']);
      expect(results[2]!.customerTrend!.direction).toBe('improving');
    });

    it('does not hold the sentiment event for a stalled encoder', async () => {
      let stall = false;
      const stalling: EmbeddingModel = {
        ...encoder,
        embed: (texts, options) =>
          stall ? new Promise<Float32Array[]>(() => {}) : encoder.embed(texts, options),
      };
      const analyzerWithStall = createSentimentAnalyzer({
        model: await createSentimentModel({ embeddingModel: stalling }),
        encoderBudgetMs: 50,
      });
      stall = true;
      const started = performance.now();
      const [result] = await run(analyzerWithStall, [['customer', 'I want to cancel my plan']]);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(result!.label).toBe('negative');
    });
  });

  it('takes a configured outside model first and falls back to the offline one, saying why', async () => {
    const seen: string[][] = [];
    let calls = 0;
    const external: ExternalSentiment = {
      source: 'llm',
      async score(text, context, signal) {
        seen.push([...context]);
        calls++;
        if (calls === 2) throw new CuecardError('provider_reply_invalid', 'not JSON');
        if (calls === 3) {
          // Slower than the budget: the offline model answers.
          await new Promise((resolve, reject) => {
            const timer = setTimeout(resolve, 2000);
            signal.addEventListener('abort', () => {
              clearTimeout(timer);
              reject(signal.reason);
            });
          });
        }
        return { label: 'negative', score: -0.9, promptVersion: 'classify-sentiment.v1' };
      },
    };
    const analyzer = createSentimentAnalyzer({
      model: await createSentimentModel(),
      external,
      externalBudgetMs: 200,
    });
    const [first, second, third] = await run(analyzer, [
      ['customer', 'oh wonderful, another outage'],
      ['agent', 'I am sorry to hear that'],
      ['customer', 'thank you so much, that is great'],
    ]);
    expect(first).toMatchObject({ label: 'negative', score: -0.9, source: 'llm' });
    expect(second).toMatchObject({ source: 'offline', fallbackReason: 'llm_reply_invalid' });
    expect(third).toMatchObject({
      label: 'positive',
      source: 'offline',
      fallbackReason: 'llm_timeout',
    });
    expect(seen[2]).toEqual([
      'customer: oh wonderful, another outage',
      'agent: I am sorry to hear that',
    ]);
  });
});
