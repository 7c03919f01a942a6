import { beforeAll, describe, expect, it } from 'vitest';
import { createSentimentModel, type SentimentExample, type SentimentModel } from './index.js';

let model: SentimentModel;
beforeAll(async () => {
  model = await createSentimentModel();
});

describe('sentiment lexicons (no training)', () => {
  it.each([
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
    ['服务态度非常好，很满意', 'positive'],
    ['太差了，再也不会买了', 'negative'],
    ['房间不干净，很失望', 'negative'],
    ['我想查询一下我的订单', 'neutral'],
  ])('%s → %s', (text, label) => {
    const result = model.score(text);
    expect(result.label).toBe(label);
    expect(result.score).toBeGreaterThanOrEqual(-1);
    expect(result.score).toBeLessThanOrEqual(1);
  });

  it('scores negation below the plain statement', () => {
    expect(model.score('not happy').score).toBeLessThan(0);
    expect(model.score('不满意', 'zh').score).toBeLessThan(0);
    expect(model.score('满意', 'zh').score).toBeGreaterThan(0);
  });

  it('chooses only among the labels asked for', () => {
    expect(
      model.score('Can you tell me the opening hours?', 'en', { labels: ['negative', 'positive'] })
        .label,
    ).not.toBe('neutral');
  });

  it('is fast per utterance', () => {
    const started = performance.now();
    for (let i = 0; i < 500; i++)
      model.score('I have been on hold for forty minutes and this is ridiculous');
    for (let i = 0; i < 500; i++) model.score('我等了一个小时还没有人处理，太失望了');
    expect((performance.now() - started) / 1000).toBeLessThan(1);
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
    expect(tenantModel.score('need an RMA for the doorbell').label).not.toBe('negative');
    tenantModel.fit(examples);
    expect(tenantModel.trainedLabels).toEqual(['negative', 'neutral', 'positive']);
    expect(tenantModel.score('need an RMA for the doorbell').label).toBe('negative');
    expect(tenantModel.score('doorbell is all green now').label).toBe('positive');
    expect(tenantModel.score('need an RMA for the doorbell').score).toBeLessThan(
      tenantModel.score('doorbell is all green now').score,
    );
    // The shared model is untouched.
    expect(model.trainedLabels).toEqual([]);
  });

  it('refuses training data with a single label', async () => {
    const tenantModel = await createSentimentModel();
    expect(() => tenantModel.fit([{ text: 'bad', label: 'negative' }])).toThrow(
      /at least two labels/,
    );
  });
});
