import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from '../../providers/fake/fake-openai-server.js';
import { createOpenAiChatModel } from '../../providers/openai/openai-chat-model.js';
import type { ChatModel } from '../../providers/spec/chat-model.js';
import { labelWithChatModel } from './chat-labeler.js';

const intents = [
  { label: 'refund', description: 'money back for a charge', examples: ['I want my money back'] },
  { label: 'cancel_plan', examples: ['cancel my subscription', 'close my account'] },
];

describe('labelling with an OpenAI-compatible chat model', () => {
  let server: FakeOpenAiServer;
  let chat: ChatModel;
  beforeAll(async () => {
    server = await startFakeOpenAiServer();
    chat = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'm', timeoutMs: 2000 });
  });
  afterAll(async () => server.close());

  it('sends the versioned prompt with the choices and context, and reads the JSON label', async () => {
    server.script({ kind: 'reply', text: 'Sure: {"label": "Refund", "confidence": 0.92}' });
    const result = await labelWithChatModel(chat, {
      promptVersion: 'classify-intent.v1',
      choices: intents,
      text: 'you charged me twice, give it back',
      context: ['agent: how can I help?'],
    });
    expect(result).toEqual({
      label: 'refund',
      confidence: 0.92,
      score: undefined,
      promptVersion: 'classify-intent.v1',
    });
    const prompt = JSON.stringify(server.requests.at(-1)!.body);
    expect(prompt).toContain('- refund: money back for a charge (\\"I want my money back\\")');
    expect(prompt).toContain('agent: how can I help?');
    expect(prompt).toContain('you charged me twice, give it back');
  });

  it('answers null for "none" and clamps a sentiment score into [-1, 1]', async () => {
    server.script({ kind: 'reply', text: '{"label": "none", "confidence": 0.7}' });
    expect(
      await labelWithChatModel(chat, {
        promptVersion: 'classify-intent.v1',
        choices: intents,
        text: 'hello there',
      }),
    ).toMatchObject({ label: null, confidence: 0.7 });
    server.script({ kind: 'reply', text: '{"label": "negative", "score": -3, "confidence": 2}' });
    expect(
      await labelWithChatModel(chat, {
        promptVersion: 'classify-sentiment.v1',
        choices: [{ label: 'negative' }, { label: 'neutral' }, { label: 'positive' }],
        text: 'third outage this week, great',
      }),
    ).toMatchObject({ label: 'negative', score: -1, confidence: 1 });
  });

  it('refuses a reply that is not JSON or names a label outside the list', async () => {
    server.script(
      { kind: 'reply', text: 'I think it is a refund.' },
      { kind: 'reply', text: '{"label": "billing_dispute"}' },
    );
    for (let i = 0; i < 2; i++) {
      await expect(
        labelWithChatModel(chat, {
          promptVersion: 'classify-intent.v1',
          choices: intents,
          text: 'x',
        }),
      ).rejects.toMatchObject({ code: 'provider_reply_invalid' });
    }
  });
});
