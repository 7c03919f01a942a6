import { describe, expect, it } from 'vitest';
import {
  calibrateThreshold,
  restoreIntentClassifier,
  trainIntentClassifier,
  type IntentExample,
} from './intent-classifier.js';

const examples: IntentExample[] = [
  ...[
    'I want my money back',
    'please refund my order',
    'how do I get a refund',
    'refund the last payment',
    'I was promised a refund',
    'can you reimburse me',
    '我想退款',
    '请把钱退给我',
  ].map((text) => ({ text, intent: 'refund' })),
  ...[
    'I forgot my password',
    'reset my password please',
    'I cannot log in',
    'my account is locked',
    'the login page rejects my password',
    'send me a password reset link',
    '我忘记密码了',
    '登录不了账户',
  ].map((text) => ({ text, intent: 'password' })),
  ...[
    'where is my package',
    'track my order',
    'my delivery is late',
    'when will my order arrive',
    'the parcel has not shown up',
    'has my order shipped yet',
    '我的包裹到哪了',
    '订单什么时候发货',
  ].map((text) => ({ text, intent: 'order_status' })),
];

const outOfScope: IntentExample[] = [
  'hello',
  'hi there',
  'thanks a lot',
  'ok bye',
  'what is the weather today',
  'tell me a joke',
  'who won the match',
  'good morning',
  '你好',
  '谢谢',
].map((text) => ({ text, intent: '', inScope: false }));

describe('trainIntentClassifier', () => {
  it('recognises new phrasings of each intent, in English and Chinese', async () => {
    const classifier = await trainIntentClassifier(examples);
    expect(classifier.intents).toEqual(['order_status', 'password', 'refund']);
    const cases: [string, string][] = [
      ['could I get a refund for this', 'refund'],
      ['I need to reset the password on my account', 'password'],
      ['my order still has not arrived', 'order_status'],
      ['我要退款', 'refund'],
      ['密码忘了怎么办', 'password'],
      ['包裹什么时候到', 'order_status'],
    ];
    for (const [text, intent] of cases) {
      const prediction = await classifier.predict(text);
      expect(prediction.intent, text).toBe(intent);
      expect(prediction.ranked[0]!.intent).toBe(intent);
      expect(prediction.confidence).toBeGreaterThan(0.34);
    }
  });

  it('ranks intents with probabilities that sum to at most one', async () => {
    const classifier = await trainIntentClassifier(examples);
    const { ranked } = await classifier.predict('where is my parcel');
    expect(ranked.map((r) => r.intent)).toHaveLength(3);
    expect(ranked[0]!.score).toBeGreaterThanOrEqual(ranked[1]!.score);
    expect(ranked.reduce((sum, r) => sum + r.score, 0)).toBeLessThanOrEqual(1.0001);
  });

  it('answers null for small talk once out-of-scope examples are given', async () => {
    const classifier = await trainIntentClassifier([...examples, ...outOfScope]);
    expect(classifier.intents).not.toContain('');
    for (const text of ['hello there', 'thank you', 'what a nice weather', '你好呀']) {
      const prediction = await classifier.predict(text);
      expect(prediction.intent, text).toBeNull();
    }
    expect((await classifier.predict('please refund me')).intent).toBe('refund');
  });

  it('answers null below the minimum confidence when no out-of-scope examples exist', async () => {
    const strict = await trainIntentClassifier(examples, { minConfidence: 0.9 });
    const lenient = await trainIntentClassifier(examples, { minConfidence: 0 });
    const vague = 'hmm';
    expect((await lenient.predict(vague)).intent).not.toBeNull();
    expect((await strict.predict(vague)).intent).toBeNull();
  });

  it('trains the same model from the same examples', async () => {
    const first = await trainIntentClassifier(examples);
    const second = await trainIntentClassifier(examples);
    const text = 'my password does not work';
    expect(await first.predict(text)).toEqual(await second.predict(text));
  });

  it('rejects a taxonomy without intents or with empty texts', async () => {
    await expect(trainIntentClassifier(outOfScope)).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(trainIntentClassifier([{ text: ' ', intent: 'x' }])).rejects.toMatchObject({
      code: 'validation_failed',
      field: 'text',
    });
  });
});

describe('calibrateThreshold', () => {
  const row = (probabilities: number[], label: number) => ({
    probabilities: Float64Array.from(probabilities),
    label,
  });
  it('rejects uncertain predictions when out-of-scope traffic is expected', () => {
    // Class 2 is "none". In-scope rows are confident; out-of-scope rows look like weak class 0.
    const heldOut = [
      row([0.9, 0.05, 0.05], 0),
      row([0.1, 0.85, 0.05], 1),
      row([0.8, 0.1, 0.1], 0),
      row([0.4, 0.3, 0.3], 2),
      row([0.45, 0.3, 0.25], 2),
    ];
    const threshold = calibrateThreshold(heldOut, 2, 0.3);
    expect(threshold).toBeGreaterThan(0.45);
    expect(threshold).toBeLessThanOrEqual(0.8);
    // With no out-of-scope traffic expected, nothing should be rejected.
    expect(calibrateThreshold(heldOut, 2, 0)).toBe(0);
  });
});

describe('restoreIntentClassifier', () => {
  it('answers exactly as the trained classifier, including "none of these"', async () => {
    const trained = await trainIntentClassifier([...examples, ...outOfScope]);
    const restored = restoreIntentClassifier(trained.toParameters());
    expect(restored.threshold).toBe(trained.threshold);
    for (const text of ['could I get a refund for this', '密码忘了怎么办', 'hello there']) {
      expect(await restored.predict(text)).toEqual(await trained.predict(text));
    }
  });
});
