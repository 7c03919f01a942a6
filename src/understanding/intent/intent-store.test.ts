import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../stores/database.js';
import { openDatabase } from '../../stores/open-database.js';
import { migrate } from '../../stores/migrate.js';
import { createIntentClassifierCache } from './intent-classifier-cache.js';
import { createIntentStore } from './intent-store.js';
import type { IntentTaxonomy } from './taxonomy.js';

const shop: IntentTaxonomy = {
  name: 'shop',
  intents: [
    {
      name: 'refund',
      description: 'Money back',
      examples: ['I want a refund', 'give me my money back', 'refund my order', '我想退款'],
    },
    {
      name: 'order_status',
      examples: ['where is my order', 'track my package', 'my delivery is late'],
    },
  ],
  outOfScope: ['hello', 'thanks', 'bye'],
};

const telecom: IntentTaxonomy = {
  name: 'telecom',
  intents: [
    {
      name: 'outage',
      examples: ['my internet is down', 'no signal at home', 'the network is not working'],
    },
    {
      name: 'roaming',
      examples: ['turn on roaming', 'will my phone work abroad', 'roaming charges'],
    },
  ],
  outOfScope: [],
  minConfidence: 0.25,
};

let db: Database;

beforeAll(async () => {
  db = await openDatabase({});
  await migrate(db);
  await db.query(
    `INSERT INTO tenants (id, name) VALUES ('t1', 'Tenant one'), ('t2', 'Tenant two')`,
  );
});

afterAll(async () => {
  await db.close();
});

describe('IntentStore', () => {
  it('saves taxonomies as numbered versions and loads the latest or a given one', async () => {
    const store = createIntentStore(db);
    expect(await store.load('t1')).toBeNull();
    const first = await store.save('t1', shop, 'file');
    const second = await store.save('t1', telecom, 'api');
    expect([first.version, second.version]).toEqual([1, 2]);

    const latest = await store.load('t1');
    expect(latest).toMatchObject({
      version: 2,
      name: 'telecom',
      source: 'api',
      minConfidence: 0.25,
    });
    expect(latest!.intents.map((intent) => intent.name)).toEqual(['outage', 'roaming']);

    const old = await store.load('t1', 1);
    expect(old!.intents).toEqual([
      { name: 'refund', description: 'Money back', examples: shop.intents[0]!.examples },
      { name: 'order_status', description: undefined, examples: shop.intents[1]!.examples },
    ]);
    expect(old!.outOfScope).toEqual(['hello', 'thanks', 'bye']);
    expect((await store.versions('t1')).map((v) => v.version)).toEqual([1, 2]);
    // Another tenant sees nothing of it.
    expect(await store.load('t2')).toBeNull();
  });

  it('keeps each intent’s Chinese label with its version', async () => {
    const store = createIntentStore(db);
    const labelled = {
      ...telecom,
      intents: telecom.intents.map((intent, index) =>
        index === 0 ? { ...intent, labelZh: '报修断网' } : intent,
      ),
    };
    const saved = await store.save('t1', labelled, 'api');
    const loaded = await store.load('t1', saved.version);
    expect(loaded!.intents.map((intent) => intent.labelZh)).toEqual(['报修断网', undefined]);
  });
});

describe('IntentClassifierCache', () => {
  it('serves the default taxonomy first, then swaps in a retrained model without a restart', async () => {
    const store = createIntentStore(db);
    const cache = createIntentClassifierCache({ store, defaultTaxonomy: shop });

    const before = await cache.get('t2');
    expect(before.version).toBeNull();
    expect((await before.classifier.predict('I want my money refunded')).intent).toBe('refund');
    // Concurrent callers share one trained model.
    expect(await cache.get('t2')).toBe(before);

    const saved = await store.save('t2', telecom, 'api');
    // Until a retrain, the running model keeps answering.
    expect((await cache.get('t2')).version).toBeNull();

    const after = await cache.retrain('t2');
    expect(after.version).toBe(saved.version);
    expect(await cache.get('t2')).toBe(after);
    expect(after.classifier.intents).toEqual(['outage', 'roaming']);
    expect((await after.classifier.predict('my internet stopped working')).intent).toBe('outage');
    // The old model object still works for a prediction that was already in flight.
    expect((await before.classifier.predict('refund my order please')).intent).toBe('refund');
  });

  it('keeps the newest model when two retrains overlap', async () => {
    const store = createIntentStore(db);
    const cache = createIntentClassifierCache({ store, defaultTaxonomy: shop });
    const first = cache.retrain('t1');
    await store.save('t1', shop, 'api');
    const second = cache.retrain('t1');
    await Promise.all([first, second]);
    expect((await cache.get('t1')).taxonomyName).toBe('shop');
  });
});
