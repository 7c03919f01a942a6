import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fake/fake-openai-server.js';
import { createOpenAiEmbeddingModel } from './openai-embedding-model.js';

let server: FakeOpenAiServer;
beforeAll(async () => {
  server = await startFakeOpenAiServer();
});
afterAll(async () => {
  await server.close();
});

describe('OpenAI-compatible embedding model', () => {
  it('embeds in batches, in input order, with the requested dimensions', async () => {
    const model = createOpenAiEmbeddingModel({
      baseUrl: server.baseUrl,
      model: 'tiny',
      dimensions: 8,
      batchSize: 2,
    });
    const vectors = await model.embed(['refund my order', 'roaming abroad', 'refund my order']);
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toHaveLength(8);
    expect(Array.from(vectors[0]!)).toEqual(Array.from(vectors[2]!));
    expect(Array.from(vectors[0]!)).not.toEqual(Array.from(vectors[1]!));
    const calls = server.requests.filter((request) => request.path === '/v1/embeddings');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.body).toMatchObject({ model: 'tiny', dimensions: 8 });
    expect(model.id).toBe('openai/tiny/8');
  });

  it('fails with provider_unavailable when the server is unreachable', async () => {
    const model = createOpenAiEmbeddingModel({ baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 500 });
    await expect(model.embed(['x'])).rejects.toMatchObject({ code: 'provider_unavailable' });
  });
});
