import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrievalMetrics, runRetrieval } from './retrieval.js';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { createHashingEmbeddingModel } from '../../providers/local/hashing-embedding-model.js';

let dir: string;
const reporter = { progress: () => undefined };
const jsonl = (rows: object[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cuecard-retrieval-'));
  await writeFile(
    path.join(dir, 'kb.jsonl'),
    jsonl([
      {
        id: 'refund',
        title: 'Refund status',
        body: 'Tell the customer when the refund reaches the card: 5 business days.',
        labels: ['billing'],
      },
      {
        id: 'password',
        title: 'Reset a password',
        body: 'Send the reset link to the email on the account. The link expires in 30 minutes.',
      },
      {
        id: 'shipping',
        title: 'Late delivery',
        body: 'Check the courier tracking number; open a lost parcel claim after 3 days without updates.',
      },
      { id: 11, title: '查询退款', body: '退款 5 个工作日到账。' },
    ]),
  );
  await writeFile(
    path.join(dir, 'test.jsonl'),
    jsonl([
      {
        id: 'q1',
        text: 'Hello, how can I help? I returned a jacket and I am still waiting for my refund to show on my card.',
        relevant: ['refund'],
      },
      {
        id: 'q2',
        text: "Hi. I can't log in, I forgot my password and the reset email never came.",
        relevant: ['password'],
      },
      {
        id: 'q3',
        text: 'My parcel is late, the tracking number has shown no update for days.',
        relevant: ['shipping', 'refund'],
      },
      { id: 4, text: '你好，我的退款什么时候到账？', relevant: [11] },
    ]),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('retrieval eval task', () => {
  it('ranks every article for each conversation and scores hit@1, hit@3 and MRR', async () => {
    const out = path.join(dir, 'pred.jsonl');
    const metrics = await runRetrieval(
      { kb: path.join(dir, 'kb.jsonl'), test: path.join(dir, 'test.jsonl'), train: undefined, out },
      reporter,
      { embedder: null },
    );
    expect(metrics).toEqual({ n: 4, 'hit@1': 1, 'hit@3': 1, mrr: 1 });
    const predictions = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; ranked: string[] });
    expect(predictions.map((p) => p.id)).toEqual(['q1', 'q2', 'q3', '4']);
    // Fewer than 10 articles: all of them, best first.
    for (const prediction of predictions)
      expect([...prediction.ranked].sort()).toEqual(['11', 'password', 'refund', 'shipping']);
    expect(Object.keys(JSON.parse((await readFile(out, 'utf8')).split('\n')[0]!))[0]).toBe('id');
  });

  it('falls back to keyword search when query vectors miss the time budget', async () => {
    const stuck: EmbeddingModel = {
      ...createHashingEmbeddingModel(32),
      // Articles embed at once; query vectors never arrive (a machine far too busy).
      embed: async (texts) =>
        texts.length > 0 && texts[0]!.includes('?')
          ? new Promise<never>(() => undefined)
          : createHashingEmbeddingModel(32).embed(texts),
    };
    const started = Date.now();
    const metrics = await runRetrieval(
      {
        kb: path.join(dir, 'kb.jsonl'),
        test: path.join(dir, 'test.jsonl'),
        train: undefined,
        out: path.join(dir, 'late.jsonl'),
      },
      reporter,
      { embedder: stuck, budgetMs: 400 },
    );
    // Query vectors never come: without the fallback this would wait forever. (Most of the time
    // is the embedded database starting; generous for a loaded CI machine.)
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(metrics['hit@1']).toBe(1);
  }, 90_000);

  it('computes the metrics by the first relevant position', () => {
    expect(
      retrievalMetrics(
        [['a'], ['b'], ['c']],
        [
          ['a', 'x'],
          ['x', 'y', 'b'],
          ['x', 'y', 'z', 'c'],
        ],
      ),
    ).toEqual({
      n: 3,
      'hit@1': 1 / 3,
      'hit@3': 2 / 3,
      mrr: (1 + 1 / 3 + 1 / 4) / 3,
    });
  });

  it('names the file, line and field of a malformed row', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    await writeFile(
      bad,
      jsonl([
        { id: 'q1', text: 'hello', relevant: ['refund'] },
        { id: 'q2', text: 'hi', relevant: 'refund' },
      ]),
    );
    await expect(
      runRetrieval(
        {
          kb: path.join(dir, 'kb.jsonl'),
          test: bad,
          train: undefined,
          out: path.join(dir, 'x.jsonl'),
        },
        reporter,
        { embedder: null },
      ),
    ).rejects.toThrow(/bad\.jsonl:2: field "relevant"/);
    await expect(
      runRetrieval(
        { kb: undefined, test: bad, train: undefined, out: path.join(dir, 'x.jsonl') },
        reporter,
        { embedder: null },
      ),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
