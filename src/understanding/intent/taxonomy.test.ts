import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainIntentClassifier } from './intent-classifier.js';
import { intentModelKey } from './intent-model-file.js';
import {
  defaultTaxonomyPath,
  loadTaxonomyFile,
  parseTaxonomy,
  taxonomyExamples,
} from './taxonomy.js';

const han = /\p{Script=Han}/u;

describe('Chinese intent labels', () => {
  it('gives every default intent a Chinese label, and leaves the model key as it was without them', async () => {
    const taxonomy = await loadTaxonomyFile(defaultTaxonomyPath);
    for (const intent of taxonomy.intents) expect(intent.labelZh, intent.name).toMatch(han);
    const unlabelled = {
      ...taxonomy,
      intents: taxonomy.intents.map(({ name, description, examples }) => ({
        name,
        description,
        examples,
      })),
    };
    // The shipped model stays valid: labels are display text, not training input.
    expect(intentModelKey(taxonomy, 'model')).toBe(intentModelKey(unlabelled, 'model'));
  });

  it('refuses an empty or non-text label, naming the intent and field', () => {
    const bad = {
      name: 'shop',
      intents: [{ name: 'refund', label_zh: '', examples: ['money back'] }],
    };
    expect(() => parseTaxonomy(bad, 'test')).toThrow(/intent "refund": field "label_zh"/);
    const fromApi = parseTaxonomy(
      { name: 'shop', intents: [{ name: 'refund', labelZh: ' 退款 ', examples: ['money back'] }] },
      'test',
    );
    expect(fromApi.intents[0]!.labelZh).toBe('退款');
  });
});

describe('the default contact-center taxonomy', () => {
  it('has 20–30 intents with ten or more varied examples each, English and Chinese', async () => {
    const taxonomy = await loadTaxonomyFile(defaultTaxonomyPath);
    expect(taxonomy.intents.length).toBeGreaterThanOrEqual(20);
    expect(taxonomy.intents.length).toBeLessThanOrEqual(30);
    for (const intent of taxonomy.intents) {
      const english = intent.examples.filter((text) => !han.test(text));
      const chinese = intent.examples.filter((text) => han.test(text));
      expect(english.length, intent.name).toBeGreaterThanOrEqual(10);
      expect(chinese.length, intent.name).toBeGreaterThanOrEqual(2);
      expect(new Set(intent.examples).size, intent.name).toBe(intent.examples.length);
      expect(intent.description, intent.name).toBeTruthy();
    }
    expect(taxonomy.outOfScope.length).toBeGreaterThanOrEqual(20);
  });

  it('trains a classifier that understands phrasings not in the file', async () => {
    const taxonomy = await loadTaxonomyFile(defaultTaxonomyPath);
    const classifier = await trainIntentClassifier(taxonomyExamples(taxonomy));
    const cases: [string, string | null][] = [
      ['you charged my card twice for the same month', 'billing_dispute'],
      ['I would like my money refunded', 'refund_request'],
      ['please cancel my membership, I am leaving', 'cancel_subscription'],
      ['I cannot remember my password', 'reset_password'],
      ['the package still has not been delivered', 'order_status'],
      ['get me your manager right now', 'speak_to_supervisor'],
      ['my credit card expired so I need to put a new card on file', 'payment_method_update'],
      ['我想退货', 'return_item'],
      ['我要投诉你们', 'complaint'],
      ['thanks, bye', null],
    ];
    let correct = 0;
    for (const [text, intent] of cases)
      if ((await classifier.predict(text)).intent === intent) correct++;
    expect(correct).toBeGreaterThanOrEqual(8);
  });
});

describe('loadTaxonomyFile', () => {
  it('names the file, the intent and the field of every problem', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cuecard-intents-'));
    const file = path.join(dir, 'bad.yaml');
    await writeFile(
      file,
      [
        'name: broken',
        'intents:',
        '  - name: refund',
        '    examples: []',
        '  - name: Bad Name',
        '    examples: [hi]',
        '  - name: refund',
        '    examples: [x]',
      ].join('\n'),
    );
    const error = await loadTaxonomyFile(file).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'data_invalid' });
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('intent "refund": field "examples" needs at least one phrase');
    expect(message).toContain('intent "Bad Name": field "name"');
    expect(message).toContain('intent "refund": field "name" is used twice');
  });

  it('reports YAML syntax errors and missing files with the file name', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cuecard-intents-'));
    const file = path.join(dir, 'syntax.yaml');
    await writeFile(file, 'name: [unclosed\n');
    await expect(loadTaxonomyFile(file)).rejects.toThrow(file);
    await expect(loadTaxonomyFile(path.join(dir, 'missing.yaml'))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('names the field of the first problem, so an API refusal points at it', () => {
    // Found by the fuzz suite: `PUT /api/intents {}` was a validation_failed with no field.
    const refusal = (value: unknown) => {
      try {
        parseTaxonomy(value, 'request body');
      } catch (error) {
        return error;
      }
      throw new Error('accepted');
    };
    expect(refusal({})).toMatchObject({ code: 'validation_failed', field: 'name' });
    expect(refusal({ name: 'shop', intents: [] })).toMatchObject({ field: 'intents' });
    expect(
      refusal({ name: 'shop', intents: [{ name: 'refund', examples: ['ok', 7, {}] }] }),
    ).toMatchObject({ field: 'intents.0.examples.2' });
    expect(
      refusal({ name: 'shop', intents: [{ name: 'refund', examples: ['ok'] }], minConfidence: 2 }),
    ).toMatchObject({ field: 'minConfidence' });
  });

  it('accepts the same shape as JSON from the API', () => {
    const taxonomy = parseTaxonomy(
      {
        name: 'shop',
        intents: [{ name: 'refund', examples: ['money back'] }],
        outOfScope: ['hi'],
        minConfidence: 0.3,
      },
      'request body',
    );
    expect(taxonomyExamples(taxonomy)).toEqual([
      { text: 'money back', intent: 'refund' },
      { text: 'hi', intent: '', inScope: false },
    ]);
    expect(taxonomy.minConfidence).toBe(0.3);
  });
});
