import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createDispositionFinalizer } from './disposition-finalizer.js';
import { buildConversation, buildTranscript } from '../test-transcript.js';
import { parseDispositionCodeSet } from './code-set.js';
import { DispositionClassifier } from './disposition-classifier.js';

const codeSet = parseDispositionCodeSet(
  await readFile(new URL('../../../knowledge/dispositions/default.yaml', import.meta.url), 'utf8'),
  'default.yaml',
);

describe('disposition code set', () => {
  it('ships a dozen codes and rejects a broken file with every problem listed', () => {
    expect(codeSet.codes.length).toBeGreaterThanOrEqual(12);
    expect(() =>
      parseDispositionCodeSet('version: 0\ncodes: [{code: "bad code"}]', 'x.yaml'),
    ).toThrow(/version[\s\S]*codes/);
  });
});

describe('DispositionClassifier', () => {
  it('suggests codes from descriptions and examples alone, before any labelled conversation', () => {
    const classifier = new DispositionClassifier(codeSet);
    expect(classifier.suggest('I forgot my password and now my account is locked').code).toBe(
      'account_access',
    );
    expect(classifier.suggest('please cancel my subscription, I am switching provider').code).toBe(
      'cancellation_request',
    );
  });

  it('learns a tenant-specific phrasing from an agent correction', () => {
    const classifier = new DispositionClassifier(codeSet);
    const text = 'the zorblax gadget blinks red and beeps';
    const before = classifier.suggest(text);
    for (let i = 0; i < 3; i++)
      classifier.learn({ text: `${text} again ${i}`, label: 'technical_support' });
    const after = classifier.suggest(text);
    expect(after.code).toBe('technical_support');
    expect(after.confidence).toBeGreaterThan(
      before.code === 'technical_support' ? before.confidence : 0,
    );
    expect(() => classifier.learn({ text, label: 'no_such_code' })).toThrow(
      /unknown disposition code/,
    );
  });

  it('learns codes from labelled conversations alone, reading why the customer called', () => {
    // The middle of every call is the same verification routine; only the opening differs.
    const routine =
      'can I have your name and email please sure it is on file thank you for verifying one moment';
    const reasons: Record<string, string[]> = {
      refund: ['I want my money back for the shoes', 'please refund the jacket I returned'],
      shipping: ['my package has not arrived yet', 'where is my delivery it is late'],
      password: ['I cannot log in to my account', 'I forgot my password again'],
    };
    const classifier = new DispositionClassifier(undefined);
    for (const [label, openings] of Object.entries(reasons))
      for (const opening of openings)
        for (let i = 0; i < 5; i++)
          classifier.add([{ text: `hello ${opening} ${routine} anything else no thanks`, label }]);
    const ranked = classifier.rank(`hi my delivery has not arrived ${routine} bye`);
    expect(ranked.map((entry) => entry.code)).toHaveLength(3);
    expect(ranked[0]?.code).toBe('shipping');
    expect(ranked.reduce((sum, entry) => sum + entry.confidence, 0)).toBeCloseTo(1, 6);
  });

  it('runs as the disposition finalizer with a confidence and alternatives', async () => {
    const classifier = new DispositionClassifier(codeSet);
    const finalizer = createDispositionFinalizer({
      suggest: async (_tenantId, text) => classifier.suggest(text),
    });
    const transcript = buildTranscript([
      ['customer', 'Where is my package? It was supposed to arrive yesterday.'],
      ['agent', 'Let me check the tracking for your order.'],
    ]);
    const output = await finalizer.finalize({
      tenantId: 't1',
      conversation: buildConversation(),
      transcript,
      previous: {},
      analyses: {},
      signal: new AbortController().signal,
    });
    expect(output?.result).toMatchObject({ suggested: 'order_status' });
    expect(output?.result?.alternatives).toHaveLength(3);
  });
});
