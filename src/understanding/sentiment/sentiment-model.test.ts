import { beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { createUseEmbeddingModel } from '../../providers/local/use-embedding-model.js';
import { createSentimentModel, type SentimentExample, type SentimentModel } from './index.js';
import { encoderText } from './sentiment-model.js';

let model: SentimentModel;
let encoder: EmbeddingModel;
beforeAll(async () => {
  model = await createSentimentModel();
  encoder = await createUseEmbeddingModel();
});

// What a contact center must get right, with or without the sentence encoder.
const contactCenterCases: Array<[string, string]> = [
  ['Thank you so much, that fixed it, you have been very helpful!', 'positive'],
  ['I am not happy with this service at all', 'negative'],
  ['great, another hour on hold', 'negative'],
  ['Perfect, the package still has not arrived', 'negative'],
  ['I want to cancel my subscription', 'negative'],
  ['I have been waiting for three weeks and nobody called me back', 'negative'],
  ['you charged me twice for the same order', 'negative'],
  ['the router is not working again', 'negative'],
  ['Can you tell me the opening hours of the store?', 'neutral'],
  ['My order number is 10234', 'neutral'],
  // An agent's apology and empathy are not the agent's displeasure.
  [
    "I'm sorry about that, I can see why that's frustrating. Let me pull up your account.",
    'neutral',
  ],
  ['I apologize for the inconvenience, the replacement ships today.', 'neutral'],
  ['Sure, it is [EMAIL].', 'neutral'],
  // ...but an apology does not soften the complaint that follows it.
  ["Sorry, but this is the worst service I've ever had", 'negative'],
  ["I'm sorry for the awful mess you made of my order", 'negative'],
  ['服务态度非常好，很满意', 'positive'],
  ['太差了，再也不会买了', 'negative'],
  ['房间不干净，很失望', 'negative'],
  ['我想查询一下我的订单', 'neutral'],
];

describe('sentiment lexicons (no training)', () => {
  it.each(contactCenterCases)('%s → %s', async (text, label) => {
    const result = await model.score(text);
    expect(result.label).toBe(label);
    expect(result.score).toBeGreaterThanOrEqual(-1);
    expect(result.score).toBeLessThanOrEqual(1);
  });

  it('scores negation below the plain statement', async () => {
    expect((await model.score('not happy')).score).toBeLessThan(0);
    expect((await model.score('不满意', 'zh')).score).toBeLessThan(0);
    expect((await model.score('满意', 'zh')).score).toBeGreaterThan(0);
  });

  it('chooses only among the labels asked for', async () => {
    const result = await model.score('Can you tell me the opening hours?', 'en', {
      labels: ['negative', 'positive'],
    });
    expect(result.label).not.toBe('neutral');
  });

  // Not a speed measurement (npm run bench is): a guard against a per-call cost of another order
  // (a model rebuilt per utterance took seconds), loose enough for a busy shared CI machine.
  it('does no per-utterance set-up work', async () => {
    const started = performance.now();
    for (let i = 0; i < 500; i++)
      await model.score('I have been on hold for forty minutes and this is ridiculous');
    for (let i = 0; i < 500; i++) await model.score('我等了一个小时还没有人处理，太失望了');
    expect((performance.now() - started) / 1000).toBeLessThan(10);
  });
});

describe('sentiment with the bundled sentence encoder (no training)', () => {
  let withEncoder: SentimentModel;
  const sentToEncoder: string[] = [];
  beforeAll(async () => {
    const watched: EmbeddingModel = {
      ...encoder,
      embed: (texts, options) => {
        sentToEncoder.push(...texts);
        return encoder.embed(texts, options);
      },
    };
    withEncoder = await createSentimentModel({ embeddingModel: watched });
  });

  it.each(contactCenterCases)('still: %s → %s', async (text, label) => {
    expect((await withEncoder.score(text)).label).toBe(label);
  });

  it('keeps an emphatic complaint negative when account details follow it', async () => {
    const text =
      'This is useless, I was charged twice. My card is [CARD_NUMBER] and my email is [EMAIL], order 55231.';
    expect(await withEncoder.score(text)).toMatchObject({ label: 'negative' });
  });

  it('hears enthusiasm the word lists have no entry for', async () => {
    const text = "Can't wait to see you all at the concert tomorrow!!";
    expect((await model.score(text)).label).toBe('neutral');
    expect((await withEncoder.score(text)).label).toBe('positive');
  });

  it('shows the encoder the words, not handles and links', () => {
    expect(encoderText('@user loving the new #iPhone update &amp; more http://t.co/x1')).toBe(
      'loving the new iPhone update & more',
    );
    // An e-mail address is not a handle; a chat line without handles or links goes as it is.
    const chat = 'I emailed jo@example.com twice, no answer';
    expect(encoderText(chat)).toBe(chat);
    expect(encoderText('my order is late')).toBe('my order is late');
  });

  it('never sends Chinese to an English-only encoder', async () => {
    sentToEncoder.length = 0;
    await withEncoder.scoreMany([
      { text: '房间不干净，很失望' },
      { text: '服务很好', language: 'zh-CN' },
      { text: 'the room was dirty' },
    ]);
    expect(sentToEncoder).toEqual(['the room was dirty']);
  });

  it('keeps scoring on words alone when the encoder fails', async () => {
    // The seed sentences are embedded at start; only scoring meets the failure.
    let failing = false;
    const flaky: EmbeddingModel = {
      ...encoder,
      embed: async (texts, options) => {
        if (failing) throw new Error('worker crashed');
        return encoder.embed(texts, options);
      },
    };
    const flakyModel = await createSentimentModel({ embeddingModel: flaky });
    failing = true;
    const result = await flakyModel.score('I want to cancel my subscription');
    expect(result).toEqual(await model.score('I want to cancel my subscription'));
  });

  it('gives up when the caller runs out of time', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      withEncoder.score('is my refund on the way?', 'en', { signal: controller.signal }),
    ).rejects.toThrow();
  });
});

describe('sentiment learnt from a tenant’s examples', () => {
  // A tenant's own jargon: "RMA" and "escalation ticket" mean trouble, "all green" means fixed.
  const examples: SentimentExample[] = [];
  const devices = [
    'router',
    'modem',
    'set-top box',
    'phone',
    'tablet',
    'smart meter',
    'camera',
    'speaker',
  ];
  for (const device of devices) {
    examples.push({ text: `need an RMA for the ${device}`, label: 'negative' });
    examples.push({ text: `open an escalation ticket about my ${device}`, label: 'negative' });
    examples.push({ text: `${device} is all green now`, label: 'positive' });
    examples.push({ text: `the ${device} shows all green`, label: 'positive' });
    examples.push({ text: `what is the model of the ${device}`, label: 'neutral' });
    examples.push({ text: `which ${device} plan do I have`, label: 'neutral' });
  }

  it('learns the vocabulary and keeps using the lexicon for the rest', async () => {
    const tenantModel = await createSentimentModel();
    expect((await tenantModel.score('need an RMA for the doorbell')).label).not.toBe('negative');
    await tenantModel.fit(examples);
    expect(tenantModel.trainedLabels).toEqual(['negative', 'neutral', 'positive']);
    const rma = await tenantModel.score('need an RMA for the doorbell');
    const green = await tenantModel.score('doorbell is all green now');
    expect(rma.label).toBe('negative');
    expect(green.label).toBe('positive');
    expect(rma.score).toBeLessThan(green.score);
    // The shared model is untouched.
    expect(model.trainedLabels).toEqual([]);
  });

  it('refuses training data with a single label', async () => {
    const tenantModel = await createSentimentModel();
    await expect(tenantModel.fit([{ text: 'bad', label: 'negative' }])).rejects.toThrow(
      /at least two labels/,
    );
  });
});
