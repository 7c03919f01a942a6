import { beforeAll, describe, expect, it } from 'vitest';
import type { ConversationRecord, Speaker, UtteranceItem } from '../../conversations/types.js';
import { createLanguageDetector } from './index.js';
import type { Analyzer, AnalyzerContext } from '../../pipeline/analyzer.js';
import type { LanguageAnalyzerResult } from './language-analyzer.js';
import { createLanguageAnalyzer } from './language-analyzer.js';

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
async function run(analyzer: Analyzer<'language'>, turns: Array<[Speaker, string]>) {
  let state: unknown;
  const transcript: UtteranceItem[] = [];
  const results: LanguageAnalyzerResult[] = [];
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
    const context: AnalyzerContext<never> = {
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
    if (output?.result) results.push(output.result);
  }
  return results;
}

let analyzer: Analyzer<'language'>;
beforeAll(async () => {
  analyzer = createLanguageAnalyzer({ detector: await createLanguageDetector() });
});

describe('language analyzer', () => {
  it('tracks the dominant language across a code-switching call', async () => {
    const results = await run(analyzer, [
      ['agent', '您好，请问有什么可以帮您？'],
      ['customer', '我的快递三天了还没到，能帮我查一下吗'],
      ['customer', 'ok'],
      ['agent', '好的，我马上帮您查询'],
      ['customer', 'thanks'],
    ]);
    expect(results.map((r) => r.language)).toEqual(['zh', 'zh', 'en', 'zh', 'en']);
    expect(results.map((r) => r.conversationLanguage)).toEqual(['zh', 'zh', 'zh', 'zh', 'zh']);
    // "ok" and "thanks" say too little to move the stages off Chinese.
    expect(results.map((r) => r.analysisLanguage)).toEqual(['zh', 'zh', 'zh', 'zh', 'zh']);
  });

  it('reads a full turn in another language in its own language, turn by turn', async () => {
    const results = await run(analyzer, [
      [
        'agent',
        '您好，这里是星联宽带客服中心，请问今天有什么可以帮您的吗？我是客服小王，很高兴为您服务。',
      ],
      [
        'customer',
        '你好，我这个月被扣了两次月费，同一笔钱扣了两次，麻烦你们帮我查一下到底是怎么回事。',
      ],
      ['customer', 'I was charged twice for the same bill'],
      ['agent', '好的'],
      ['customer', 'Me cobraron dos veces la factura'],
      ['customer', 'sí'],
    ]);
    // The conversation stays Chinese; short turns follow it, full ones keep their own language.
    expect(results.map((r) => r.analysisLanguage)).toEqual(['zh', 'zh', 'en', 'zh', 'es', 'zh']);
  });

  it('switches when the conversation really moves to another language', async () => {
    const results = await run(analyzer, [
      ['customer', 'hola'],
      ['agent', 'Hello, thanks for calling, how can I help you today?'],
      ['customer', 'I was charged twice for my last order and I would like a refund'],
      ['agent', 'I am sorry to hear that, let me look into your account right away'],
    ]);
    expect(results[0]!.conversationLanguage).not.toBe('en');
    expect(results.at(-1)!.conversationLanguage).toBe('en');
  });

  it('keeps the conversation language through utterances with nothing to go on', async () => {
    const results = await run(analyzer, [
      ['customer', 'I need to update the address on my account'],
      ['customer', '12345'],
    ]);
    expect(results[1]).toEqual({
      language: 'und',
      confidence: 0,
      conversationLanguage: 'en',
      analysisLanguage: 'en',
    });
  });
});
