import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cuecard } from '../src/app/compose-cuecard.js';
import type { CuecardEvent, Suggestion } from '../src/conversations/events.js';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from '../src/providers/fake/fake-openai-server.js';
import { startEmbeddedCuecard, type EmbeddedCuecard } from './support/embedded-cuecard.js';
import { TestSocket, type Message } from './support/ws-client.js';

/**
 * Answers through the service as `npm start` builds it, with an OpenAI-compatible model: the
 * agent sees the answer stream in, then the checked answer, where every claim cites an article
 * the search handed the model. Each conversation's question gets one scripted model answer
 * (matched by the answer prompt's own delimiter, so the reply analyzer's calls take the default).
 */
const QUESTION = 'How long does standard delivery take for my new phone?';
const ARTICLE = 'shipping-delivery-times';
const ZH_QUESTION = '我在家办公，断了快一天了，这个损失谁来管？你们有没有补偿？';
const ZH_ARTICLE = 'zh-outage-compensation';

describe('answers from the knowledge base with a chat model', () => {
  let llm: FakeOpenAiServer;
  let embedded: EmbeddedCuecard;
  let cuecard: Cuecard;
  let agent: TestSocket;
  let connector: TestSocket;
  beforeAll(async () => {
    llm = await startFakeOpenAiServer();
    embedded = await startEmbeddedCuecard('answers', {
      OPENAI_BASE_URL: llm.baseUrl,
      CUECARD_LLM_MODEL: 'test-model',
      CUECARD_ANALYZER_TIMEOUT_MS: '5000',
    });
    cuecard = embedded.cuecard;
    const keys = cuecard.devKeys!.keys;
    agent = await TestSocket.connect(`${embedded.wsUrl}/ws/subscribe`, keys.agent);
    await agent.request({ type: 'subscribe', scope: 'agent' }, (m) => m.type === 'subscribed');
    connector = await TestSocket.connect(`${embedded.wsUrl}/ws/ingest`, keys.connector);
    // The whole service starts (models, knowledge base): minutes on a busy two-core machine.
  }, 300_000);
  afterAll(async () => {
    await agent?.close();
    await connector?.close();
    await embedded?.close();
    await llm?.close();
  });

  const eventOf = (m: Message) => m.event as CuecardEvent;
  interface AskOptions {
    question?: string;
    language?: string;
    chunkDelayMs?: number;
  }

  /** Asks the question in a new conversation; the answer as the agent receives it. */
  async function ask(
    conversationId: string,
    modelAnswer: string,
    { question = QUESTION, language, chunkDelayMs }: AskOptions = {},
  ) {
    const from = llm.requests.length;
    llm.scriptFor('<customer_question>', {
      kind: 'reply',
      text: modelAnswer,
      ...(chunkDelayMs ? { chunkDelayMs } : {}),
    });
    const opened = await connector.request(
      {
        type: 'open',
        conversationId,
        channel: 'chat',
        agentId: cuecard.devKeys!.agentId,
        ...(language ? { language } : {}),
      },
      (m) => m.type === 'opened',
    );
    // Events name the conversation by the service's own id.
    const id = opened.id as string;
    await connector.request(
      {
        type: 'utterance',
        conversationId,
        seq: 1,
        speaker: 'customer',
        text: question,
        final: true,
      },
      (m) => m.type === 'ack',
    );
    const mine = (m: Message) => m.type === 'event' && eventOf(m).conversationId === id;
    const start = eventOf(
      await agent.next((m) => {
        const event = mine(m) ? eventOf(m) : undefined;
        return event?.type === 'reply-start' && event.suggestionKind === 'answer';
      }, 20_000),
    );
    if (start.type !== 'reply-start') throw new Error('not a start');
    const end = eventOf(
      await agent.next((m) => {
        const event = mine(m) ? eventOf(m) : undefined;
        return event?.type === 'reply-end' && event.replyId === start.replyId;
      }, 20_000),
    );
    if (end.type !== 'reply-end' || end.suggestion.kind !== 'answer') throw new Error('no answer');
    const streamed = agent
      .events()
      .filter((event) => event.type === 'reply-delta' && event.replyId === start.replyId)
      .map((event) => event.delta)
      .join('');
    const analysis = eventOf(
      await agent.next((m) => {
        const event = mine(m) ? eventOf(m) : undefined;
        return event?.type === 'analysis' && event.analyzer === 'answers';
      }),
    );
    return {
      id,
      answer: end.suggestion as Suggestion & { kind: 'answer' },
      streamed,
      analysis,
      /** The model calls this question has cost so far, whichever feature made them. */
      calls: () =>
        llm.requests
          .slice(from)
          .filter(
            (r) => r.path === '/v1/chat/completions' && JSON.stringify(r.body).includes(question),
          ),
    };
  }

  it('streams a cited answer grounded in the passages it was given', async () => {
    const text = `Standard delivery takes 3–5 business days [${ARTICLE}]. It is free on orders over $50. [${ARTICLE}]`;
    const { answer, streamed, analysis } = await ask('answers-valid', text);
    // The model saw the delivery article's passage under the id it must cite.
    const prompt = JSON.stringify(llm.requests.at(-1)?.body);
    expect(prompt).toContain(`[${ARTICLE}]`);
    expect(streamed.trim()).toBe(text);
    expect(answer).toMatchObject({
      source: 'llm',
      refused: false,
      text: 'Standard delivery takes 3–5 business days. It is free on orders over $50.',
      citations: [{ articleId: ARTICLE }],
    });
    expect(answer.claims.map((claim) => claim.articleIds)).toEqual([[ARTICLE], [ARTICLE]]);
    expect(analysis).toMatchObject({
      result: { source: 'llm', promptVersion: 'answer-question.v2', citedArticleIds: [ARTICLE] },
    });
  });

  it('drops a claim whose citation the model invented', async () => {
    const { answer, analysis } = await ask(
      'answers-invented',
      `Standard delivery takes 3–5 business days [${ARTICLE}]. New customers get a free month of Stream [loyalty-perks].`,
    );
    expect(answer.refused).toBe(false);
    expect(answer.text).toBe('Standard delivery takes 3–5 business days.');
    expect(answer.text).not.toContain('free month');
    expect(answer.citations.map((citation) => citation.articleId)).toEqual([ARTICLE]);
    expect(analysis).toMatchObject({
      result: { dropped: { inventedCitations: 1, uncitedClaims: 1 } },
    });
  });

  it('refuses when the model cites nothing', async () => {
    const { answer } = await ask('answers-uncited', 'It should be with you in a day or two.');
    expect(answer).toMatchObject({
      source: 'llm',
      refused: true,
      text: 'No article supports an answer.',
      claims: [],
      citations: [],
    });
  });

  /** The suggested reply the agent gets for the conversation's question. */
  async function replyIn(id: string) {
    const event = eventOf(
      await agent.next((m) => {
        const event = m.type === 'event' ? eventOf(m) : undefined;
        return (
          event?.conversationId === id &&
          ((event.type === 'suggestion' && event.suggestion.kind === 'reply') ||
            (event.type === 'reply-end' && event.suggestion.kind === 'reply'))
        );
      }),
    );
    if (event.type !== 'suggestion' && event.type !== 'reply-end') throw new Error('no reply');
    if (event.suggestion.kind !== 'reply') throw new Error('not a reply');
    return event.suggestion;
  }

  it('streams a cited answer to a Mandarin question, in Chinese', async () => {
    const text = `故障持续超过 24 小时，系统会自动按天补偿，客户无需申请。[${ZH_ARTICLE}]补偿会抵扣在下一期账单中。[${ZH_ARTICLE}]`;
    const { id, answer, streamed, calls } = await ask('answers-zh', text, {
      question: ZH_QUESTION,
      language: 'zh-CN',
    });
    // The model was given the Chinese article's passage under its id, and told to answer in
    // the customer's language.
    const prompt = JSON.stringify(
      calls().find((c) => JSON.stringify(c.body).includes('<customer_question>'))?.body,
    );
    expect(prompt).toContain(`[${ZH_ARTICLE}]`);
    expect(prompt).toContain('补偿');
    expect(prompt).toContain("customer's language");
    expect(streamed.trim()).toBe(text);
    expect(answer).toMatchObject({
      source: 'llm',
      refused: false,
      text: '故障持续超过 24 小时，系统会自动按天补偿，客户无需申请。补偿会抵扣在下一期账单中。',
      citations: [{ articleId: ZH_ARTICLE, title: '故障补偿与赔偿标准' }],
    });
    expect(answer.claims.map((claim) => claim.articleIds)).toEqual([[ZH_ARTICLE], [ZH_ARTICLE]]);
    // The suggested reply says the checked answer: no second model call about the question.
    const reply = await replyIn(id);
    expect(reply.text.startsWith(answer.text)).toBe(true);
    expect(reply.citations.map((citation) => citation.articleId)).toEqual([ZH_ARTICLE]);
    expect(calls()).toHaveLength(1);
  });

  it('drops a Chinese claim whose citation the model invented', async () => {
    const { answer, analysis } = await ask(
      'answers-zh-invented',
      `故障超过 24 小时会自动补偿。[${ZH_ARTICLE}]老用户每年还能免费领取一部新手机。[zh-loyalty-gifts]`,
      { question: ZH_QUESTION, language: 'zh-CN' },
    );
    expect(answer.refused).toBe(false);
    expect(answer.text).toBe('故障超过 24 小时会自动补偿。');
    expect(answer.citations.map((citation) => citation.articleId)).toEqual([ZH_ARTICLE]);
    expect(analysis).toMatchObject({
      result: { dropped: { inventedCitations: 1, uncitedClaims: 1 } },
    });
  });

  it('refuses in Chinese when the model finds no support in the passages', async () => {
    const { id, answer, calls } = await ask('answers-zh-none', 'NO_ANSWER', {
      question: ZH_QUESTION,
      language: 'zh-CN',
    });
    expect(answer).toMatchObject({
      source: 'llm',
      refused: true,
      text: '没有文章支持这个回答。',
      claims: [],
      citations: [],
    });
    // Nothing to repeat: the reply asks the model itself, the one question with two calls.
    const reply = await replyIn(id);
    expect(reply).toMatchObject({ kind: 'reply', source: 'llm' });
    expect(calls()).toHaveLength(2);
  });

  it('makes one model call per answered question; measured against a model with a fixed delay', async () => {
    const text = `Standard delivery takes 3–5 business days. [${ARTICLE}]`;
    // Seven streamed pieces 40 ms apart: about 280 ms of model time for each call made.
    const delayed = { kind: 'reply' as const, chunkDelayMs: 40 };
    llm.scriptFor('<customer_message>', {
      ...delayed,
      text: 'Standard delivery usually takes three to five days.',
    });
    const question = 'How long does standard delivery take for my new tablet?';
    const started = performance.now();
    const { id, answer, calls } = await ask('answers-timed', text, {
      question,
      chunkDelayMs: 40,
    });
    const answeredMs = performance.now() - started;
    const reply = await replyIn(id);
    const repliedMs = performance.now() - started;
    console.info(
      `answer in ${Math.round(answeredMs)} ms, reply in ${Math.round(repliedMs)} ms; ` +
        `model calls for the question: ${calls().length}`,
    );
    expect(answer.refused).toBe(false);
    // The reply says the checked answer (then the playbook's next step).
    expect(reply.text.startsWith('Standard delivery takes 3–5 business days.')).toBe(true);
    expect(calls()).toHaveLength(1);
  });
});
