import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CuecardError } from '../../errors/cuecard-error.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fake/fake-openai-server.js';
import type { ChatStreamPart } from '../spec/chat-model.js';
import { createOpenAiChatModel } from './openai-chat-model.js';

let server: FakeOpenAiServer;
beforeEach(async () => {
  server = await startFakeOpenAiServer();
});
afterEach(async () => {
  await server.close();
});

const messages = [{ role: 'user' as const, content: 'Where is my order?' }];

describe('OpenAI-compatible chat model', () => {
  it('generates a reply with token usage and sends the model name and key', async () => {
    server.script({ kind: 'reply', text: 'Your order ships today.' });
    const model = createOpenAiChatModel({
      baseUrl: server.baseUrl,
      apiKey: 'sk-test',
      model: 'small-model',
      timeoutMs: 2000,
    });
    const result = await model.generate({ messages, maxTokens: 50 });
    expect(result.text).toBe('Your order ships today.');
    expect(result.usage).toEqual({ promptTokens: 4, completionTokens: 4 });
    expect(server.requests[0]!.body).toMatchObject({
      model: 'small-model',
      max_tokens: 50,
      messages,
    });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams text deltas over SSE, then a finish part with the whole text and usage', async () => {
    server.script({ kind: 'reply', text: 'One moment while I check that for you.' });
    const model = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'm', timeoutMs: 2000 });
    const parts: ChatStreamPart[] = [];
    for await (const part of model.stream({ messages })) parts.push(part);
    const deltas = parts.filter((part) => part.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(3);
    expect(parts.at(-1)).toEqual({
      type: 'finish',
      text: 'One moment while I check that for you.',
      usage: { promptTokens: 4, completionTokens: 8 },
    });
  });

  it('retries after a 500 and succeeds', async () => {
    server.script({ kind: 'error', status: 500 }, { kind: 'reply', text: 'Recovered.' });
    const model = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'm', timeoutMs: 5000 });
    expect((await model.generate({ messages })).text).toBe('Recovered.');
    expect(server.requests).toHaveLength(2);
  });

  it('gives up with provider_unavailable when the server keeps failing', async () => {
    server.script(
      { kind: 'error', status: 429, retryAfterSeconds: 0 },
      { kind: 'error', status: 503 },
    );
    const model = createOpenAiChatModel({
      baseUrl: server.baseUrl,
      model: 'm',
      timeoutMs: 5000,
      maxRetries: 1,
    });
    const error = await model.generate({ messages }).catch((caught: unknown) => caught);
    expect(CuecardError.isInstance(error) && error.code).toBe('provider_unavailable');
    expect((error as CuecardError).message).toMatch(/HTTP 503/);
    expect((error as CuecardError).retryable).toBe(true);
    expect((error as CuecardError).cause).toBeDefined();
  });

  it('fails fast when the server hangs, for generate and stream', async () => {
    server.script(
      { kind: 'hang' },
      { kind: 'hang' },
      { kind: 'hang' },
      { kind: 'hang' },
      { kind: 'hang' },
      { kind: 'hang' },
    );
    const model = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'm', timeoutMs: 300 });
    const started = Date.now();
    await expect(model.generate({ messages })).rejects.toMatchObject({
      code: 'provider_unavailable',
    });
    const consume = async () => {
      for await (const part of model.stream({ messages })) void part;
    };
    await expect(consume()).rejects.toMatchObject({ code: 'provider_unavailable' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops a stream that stalls midway at the deadline', async () => {
    server.script({ kind: 'reply', text: 'a b c d e f g h', chunkDelayMs: 200 });
    const model = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'm', timeoutMs: 500 });
    const deltas: string[] = [];
    const consume = async () => {
      for await (const part of model.stream({ messages }))
        if (part.type === 'text-delta') deltas.push(part.delta);
    };
    await expect(consume()).rejects.toMatchObject({ code: 'provider_unavailable' });
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.length).toBeLessThan(8);
  });
});

describe('fake server embeddings', () => {
  it('returns the same vector for the same text', async () => {
    const response = await fetch(`${server.baseUrl}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'e',
        input: ['refund please', 'refund please', 'reset my password'],
      }),
    });
    const body = (await response.json()) as { data: Array<{ embedding: number[] }> };
    expect(body.data[0]!.embedding).toEqual(body.data[1]!.embedding);
    expect(body.data[0]!.embedding).not.toEqual(body.data[2]!.embedding);
  });
});
