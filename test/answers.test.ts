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

  /** Asks the question in a new conversation; the answer as the agent receives it. */
  async function ask(conversationId: string, modelAnswer: string) {
    llm.scriptFor('<customer_question>', { kind: 'reply', text: modelAnswer });
    const opened = await connector.request(
      { type: 'open', conversationId, channel: 'chat', agentId: cuecard.devKeys!.agentId },
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
        text: QUESTION,
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
    return { answer: end.suggestion as Suggestion & { kind: 'answer' }, streamed, analysis };
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
      result: { source: 'llm', promptVersion: 'answer-question.v1', citedArticleIds: [ARTICLE] },
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
});
