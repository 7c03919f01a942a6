import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './fake/fake-openai-server.js';
import { createEmbeddingModel } from './create-embedding-model.js';
import { createEmbeddingModel as createFromKnowledge } from '../knowledge/create-embedding-model.js';

let server: FakeOpenAiServer;
beforeAll(async () => {
  server = await startFakeOpenAiServer();
});
afterAll(async () => {
  await server.close();
});

describe('createEmbeddingModel', () => {
  it('gives the OpenAI-compatible model when configured, closable like the others', async () => {
    const config = loadConfig({
      CUECARD_EMBEDDINGS: 'openai',
      OPENAI_BASE_URL: server.baseUrl,
      CUECARD_LLM_MODEL: 'tiny-chat',
    });
    const model = await createEmbeddingModel(config);
    expect(model.id).toMatch(/^openai\//);
    const [vector] = await model.embed(['refund my order']);
    expect(vector).toHaveLength(model.dimensions);
    expect(server.requests.some((request) => request.path === '/v1/embeddings')).toBe(true);
    await model.close();
  });

  it('is the same factory that `npm run kb` and the evaluations import from knowledge/', () => {
    expect(createFromKnowledge).toBe(createEmbeddingModel);
  });

  it('refuses a transformers setup without a model id, whatever built the config', async () => {
    const config = loadConfig({});
    await expect(
      createEmbeddingModel({
        ...config,
        embeddings: {
          ...config.embeddings,
          provider: 'transformers',
          transformersModel: undefined,
        },
      }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('CUECARD_TRANSFORMERS_MODEL'),
    });
  });

  it('reads the transformers options from the environment', () => {
    const config = loadConfig({
      CUECARD_EMBEDDINGS: 'transformers',
      CUECARD_TRANSFORMERS_MODEL: 'Xenova/all-MiniLM-L6-v2',
      CUECARD_ALLOW_MODEL_DOWNLOAD: 'true',
      CUECARD_TRANSFORMERS_LANGUAGES: 'EN, zh',
    });
    expect(config.embeddings).toMatchObject({
      provider: 'transformers',
      transformersModel: 'Xenova/all-MiniLM-L6-v2',
      modelsDir: '.cuecard/models',
      allowModelDownload: true,
      transformersLanguages: ['en', 'zh'],
    });
    expect(loadConfig({}).embeddings).toMatchObject({
      allowModelDownload: false,
      transformersLanguages: ['en'],
    });
    expect(() => loadConfig({ CUECARD_TRANSFORMERS_LANGUAGES: 'english!' })).toThrow(
      /CUECARD_TRANSFORMERS_LANGUAGES/,
    );
  });
});
