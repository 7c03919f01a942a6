import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cuecard } from '../src/app/compose-cuecard.js';
import { startEmbeddedCuecard, type EmbeddedCuecard } from './support/embedded-cuecard.js';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from '../src/providers/fake/fake-openai-server.js';
import { TestSocket, type Message } from './support/ws-client.js';

const analysisOf = (message: Message) =>
  message.event as { type: string; analyzer?: string; result?: Record<string, unknown> };

/**
 * A connected deployment: `CUECARD_LLM_ANALYZERS=intent,sentiment` with an OpenAI-compatible
 * server. Every chat request gets the same scripted reply, a sentiment label: sentiment takes it,
 * intent finds no intent of that name and keeps its trained model's answer, saying why.
 */
describe('live analyzers asking an LLM', () => {
  let llm: FakeOpenAiServer;
  let embedded: EmbeddedCuecard;
  let cuecard: Cuecard;
  let wsUrl: string;
  beforeAll(async () => {
    llm = await startFakeOpenAiServer();
    llm.setDefaultReply('{"label": "negative", "score": -0.75, "confidence": 0.9}');
    embedded = await startEmbeddedCuecard('llm', {
      OPENAI_BASE_URL: llm.baseUrl,
      CUECARD_LLM_MODEL: 'test-model',
      CUECARD_LLM_ANALYZERS: 'intent,sentiment',
      CUECARD_ANALYZER_TIMEOUT_MS: '5000',
    });
    ({ cuecard, wsUrl } = embedded);
  });
  afterAll(async () => {
    await embedded?.close();
    await llm?.close();
  });

  it('streams the LLM sentiment, and the trained intent when the LLM answer does not fit', async () => {
    const keys = cuecard.devKeys!.keys;
    const agent = await TestSocket.connect(`${wsUrl}/ws/subscribe`, keys.agent);
    await agent.request({ type: 'subscribe', scope: 'agent' }, (m) => m.type === 'subscribed');
    const connector = await TestSocket.connect(`${wsUrl}/ws/ingest`, keys.connector);
    await connector.request(
      { type: 'open', conversationId: 'llm-1', channel: 'chat', agentId: cuecard.devKeys!.agentId },
      (m) => m.type === 'opened',
    );
    await connector.request(
      {
        type: 'utterance',
        conversationId: 'llm-1',
        seq: 1,
        speaker: 'customer',
        text: 'I want to cancel my subscription, this is the third outage this month',
        final: true,
      },
      (m) => m.type === 'ack',
    );
    const sentiment = analysisOf(
      await agent.next((m) => m.type === 'event' && analysisOf(m).analyzer === 'sentiment'),
    );
    expect(sentiment.result).toMatchObject({
      label: 'negative',
      score: -0.75,
      source: 'llm',
      promptVersion: 'classify-sentiment.v1',
    });
    const intent = analysisOf(
      await agent.next((m) => m.type === 'event' && analysisOf(m).analyzer === 'intent'),
    );
    expect(intent.result).toMatchObject({ source: 'offline', fallbackReason: 'llm_reply_invalid' });
    expect(intent.result!.intent).toEqual(expect.any(String));
    const prompts = llm.requests.map((request) => JSON.stringify(request.body));
    expect(prompts.some((body) => body.includes('rate the sentiment'))).toBe(true);
    expect(
      prompts.some((body) => body.includes('label what a contact-center customer wants')),
    ).toBe(true);
    await agent.close();
    await connector.close();
  });
});
