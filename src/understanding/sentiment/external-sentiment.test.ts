import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { createTextClassifier } from '../../providers/create-text-classifier.js';
import { writeSequenceClassificationModel } from '../../providers/transformers/write-sequence-classification-model.js';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
} from '../../providers/fake/fake-openai-server.js';
import { createOpenAiChatModel } from '../../providers/openai/openai-chat-model.js';
import {
  chatSentiment,
  classifierSentiment,
  polarityOfLabels,
  sentimentFromClassification,
} from './external-sentiment.js';

const never = new AbortController().signal;

describe('sentiment labels of outside models', () => {
  it('places label names, star ratings and bare LABEL_i on the scale, and refuses others', () => {
    expect([...polarityOfLabels(['NEGATIVE', 'POSITIVE']).values()]).toEqual([-1, 1]);
    expect([...polarityOfLabels(['neg', 'neu', 'pos']).values()]).toEqual([-1, 0, 1]);
    expect([...polarityOfLabels(['LABEL_0', 'LABEL_1', 'LABEL_2']).values()]).toEqual([-1, 0, 1]);
    expect([...polarityOfLabels(['1 star', '3 stars', '5 stars']).values()]).toEqual([-1, 0, 1]);
    expect(() => polarityOfLabels(['joy', 'anger'])).toThrow(/"joy", "anger"/);
  });

  it('scores by expected polarity and labels by the side with the most probability', () => {
    const polarity = polarityOfLabels(['1 star', '2 stars', '3 stars', '4 stars', '5 stars']);
    const result = sentimentFromClassification(
      [
        { label: '1 star', score: 0.35 },
        { label: '2 stars', score: 0.3 },
        { label: '5 stars', score: 0.2 },
        { label: '3 stars', score: 0.15 },
      ],
      polarity,
    );
    expect(result.label).toBe('negative');
    expect(result.score).toBeCloseTo(-0.35 - 0.15 + 0.2, 5);
  });
});

describe('a transformers.js sentiment model (CUECARD_SENTIMENT_MODEL)', () => {
  let modelsDir: string;
  beforeAll(async () => {
    modelsDir = await mkdtemp(path.join(tmpdir(), 'cuecard-sentiment-model-'));
    await writeSequenceClassificationModel({
      modelsDir,
      modelId: 'tests/tiny-sst2',
      labels: ['NEGATIVE', 'POSITIVE'],
      words: 'the agent was my bill is this an experience call'.split(' '),
      cues: { great: [-8, 8], awful: [8, -8] },
    });
  });
  afterAll(async () => rm(modelsDir, { recursive: true, force: true }));

  it('scores turns with the model in a worker thread', async () => {
    const config = loadConfig({
      CUECARD_SENTIMENT_MODEL: 'tests/tiny-sst2',
      CUECARD_MODELS_DIR: modelsDir,
    });
    const classifier = (await createTextClassifier(config))!;
    try {
      const sentiment = classifierSentiment(classifier);
      expect(sentiment.source).toBe('transformers');
      const good = await sentiment.score('the agent was great', [], never);
      const bad = await sentiment.score('this is an awful experience', [], never);
      expect(good.label).toBe('positive');
      expect(good.score).toBeGreaterThan(0.8);
      expect(bad.label).toBe('negative');
      expect(bad.score).toBeLessThan(-0.8);
    } finally {
      await classifier.close();
    }
  });
});

describe('the LLM as sentiment model (CUECARD_LLM_ANALYZERS=sentiment)', () => {
  let server: FakeOpenAiServer;
  beforeAll(async () => {
    server = await startFakeOpenAiServer();
  });
  afterAll(async () => server.close());

  it('reads label and score, and derives a score from label and confidence when none is given', async () => {
    const sentiment = chatSentiment(
      createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'm', timeoutMs: 2000 }),
    );
    server.script(
      { kind: 'reply', text: '{"label": "negative", "score": -0.8, "confidence": 0.9}' },
      { kind: 'reply', text: '{"label": "positive", "confidence": 0.6}' },
    );
    expect(
      await sentiment.score('great, a third outage this week', ['agent: hello'], never),
    ).toEqual({ label: 'negative', score: -0.8, promptVersion: 'classify-sentiment.v1' });
    expect(await sentiment.score('thanks, that fixed it', [], never)).toMatchObject({
      label: 'positive',
      score: 0.6,
    });
    expect(JSON.stringify(server.requests[0]!.body)).toContain('agent: hello');
  });
});
