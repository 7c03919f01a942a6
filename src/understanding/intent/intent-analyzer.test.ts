import { describe, expect, it } from 'vitest';
import type { AnalyzerContext } from '../../pipeline/analyzer.js';
import type { ConversationItem, ConversationRecord, Speaker } from '../../conversations/types.js';
import { trainIntentClassifier } from './intent-classifier.js';
import type { TrainedIntents } from './intent-classifier-cache.js';
import { taxonomyExamples, type IntentTaxonomy } from './taxonomy.js';
import {
  createIntentAnalyzer,
  type IntentAnalysis,
  type IntentAnalyzerOptions,
} from './intent-analyzer.js';
import { startFakeOpenAiServer } from '../../providers/fake/fake-openai-server.js';
import { createOpenAiChatModel } from '../../providers/openai/openai-chat-model.js';

const taxonomy: IntentTaxonomy = {
  name: 'test',
  intents: [
    {
      name: 'billing_dispute',
      examples: [
        'I was charged twice',
        'this charge on my bill is wrong',
        'why is my bill so high',
        'I dispute this fee',
        '账单多扣钱了',
      ],
    },
    {
      name: 'cancel_subscription',
      examples: [
        'cancel my subscription',
        'I want to close my account',
        'stop my membership',
        'end my contract',
        '我要取消订阅',
      ],
    },
    {
      name: 'technical_support',
      examples: [
        'my internet is slow',
        'the app keeps crashing',
        'the router disconnects',
        'I cannot connect to wifi',
        '网速很慢',
      ],
    },
  ],
  outOfScope: ['hello', 'hi', 'thanks', 'ok', 'bye', 'yes', 'no', 'good morning', '你好', '谢谢'],
};

const conversation: ConversationRecord = {
  id: 'c1',
  tenantId: 't1',
  externalId: 'ext-1',
  channel: 'chat',
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

async function setup(llm: Pick<IntentAnalyzerOptions, 'chatModel' | 'llmBudgetMs'> = {}) {
  const trained: TrainedIntents = {
    classifier: await trainIntentClassifier(taxonomyExamples(taxonomy)),
    version: 3,
    taxonomyName: taxonomy.name,
    taxonomy,
    trainedAt: new Date().toISOString(),
    trainingMs: 0,
  };
  const analyzer = createIntentAnalyzer({ classifiers: { get: async () => trained }, ...llm });
  const transcript: ConversationItem[] = [];
  let state: unknown;
  const say = async (speaker: Speaker, text: string) => {
    const item: ConversationItem = {
      kind: 'utterance',
      conversationId: 'c1',
      seq: transcript.length + 1,
      speaker,
      text,
      startMs: null,
      endMs: null,
      language: null,
      createdAt: new Date().toISOString(),
    };
    transcript.push(item);
    const context: AnalyzerContext = {
      tenantId: 't1',
      conversation,
      item,
      transcript: [...transcript],
      previous: {},
      state,
      signal: new AbortController().signal,
    };
    const output = await analyzer.analyze(context);
    if (output?.state !== undefined) state = output.state;
    return output ? (output.result as IntentAnalysis) : null;
  };
  return { analyzer, say };
}

describe('intent analyzer', () => {
  it('labels each customer turn and skips agent turns', async () => {
    const { analyzer, say } = await setup();
    expect(analyzer.name).toBe('intent');
    const turn = await say('customer', 'there is a charge on my bill I do not recognise');
    expect(turn).toMatchObject({ intent: 'billing_dispute', taxonomyVersion: 3 });
    expect(turn!.confidence).toBeGreaterThan(0.4);
    expect(turn!.ranked[0]!.intent).toBe('billing_dispute');
    expect(await say('agent', 'I can help you cancel your subscription')).toBeNull();
  });

  it('follows the conversation intent across turns, ignoring small talk', async () => {
    const { say } = await setup();
    const greeting = await say('customer', 'hello');
    expect(greeting!.intent).toBeNull();
    expect(greeting!.conversation).toBeNull();

    await say('customer', 'my wifi keeps dropping');
    const second = await say('customer', 'and the router disconnects every hour');
    expect(second!.conversation).toMatchObject({ intent: 'technical_support', turns: 2 });

    const thanks = await say('customer', 'thanks');
    expect(thanks!.intent).toBeNull();
    expect(thanks!.conversation!.intent).toBe('technical_support');

    // A later, repeated change of topic wins over older turns (recency weighting).
    await say('customer', 'honestly I just want to cancel my subscription');
    const last = await say('customer', 'please close my account today');
    expect(last!.conversation).toMatchObject({ intent: 'cancel_subscription', turns: 4 });
  });

  it('works for Chinese turns', async () => {
    const { say } = await setup();
    expect((await say('customer', '我想取消订阅'))!.intent).toBe('cancel_subscription');
  });

  it('asks the LLM when configured, with the taxonomy and the turns before, and falls back to the trained model', async () => {
    const server = await startFakeOpenAiServer();
    try {
      const chatModel = createOpenAiChatModel({
        baseUrl: server.baseUrl,
        model: 'm',
        timeoutMs: 2000,
      });
      const { say } = await setup({ chatModel, llmBudgetMs: 1500 });
      // The trained model would read "bill" as a billing dispute; the LLM reads the whole turn.
      server.script({ kind: 'reply', text: '{"label": "cancel_subscription", "confidence": 0.9}' });
      const turn = await say('customer', 'this bill is the last straw, I am done with you');
      expect(turn).toMatchObject({
        intent: 'cancel_subscription',
        confidence: 0.9,
        source: 'llm',
        promptVersion: 'classify-intent.v1',
      });
      expect(turn!.ranked[0]).toEqual({ intent: 'cancel_subscription', score: 0.9 });
      const prompt = JSON.stringify(server.requests.at(-1)!.body);
      expect(prompt).toContain('billing_dispute');
      expect(prompt).toContain('I was charged twice');

      // An answer outside the taxonomy, then a hung server: the trained model answers.
      server.script({ kind: 'reply', text: '{"label": "refund"}' }, { kind: 'hang' });
      expect(await say('customer', 'I was charged twice this month')).toMatchObject({
        intent: 'billing_dispute',
        source: 'offline',
        fallbackReason: 'llm_reply_invalid',
      });
      expect(await say('customer', 'the router keeps disconnecting')).toMatchObject({
        intent: 'technical_support',
        source: 'offline',
        fallbackReason: 'llm_timeout',
      });
    } finally {
      await server.close();
    }
  });
});
