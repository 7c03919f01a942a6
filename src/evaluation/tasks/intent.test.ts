import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreIntents, task } from './intent.js';

const reporter = { progress: () => {} };

const trainRows = [
  ...[
    'I want a refund',
    'give me my money back',
    'refund my last order',
    'can I be reimbursed',
    'please return my payment',
  ].map((text) => ({ text, intent: 'refund' })),
  ...[
    'where is my parcel',
    'track my order',
    'my delivery is late',
    'when will the package arrive',
    'has my order shipped',
  ].map((text) => ({ text, intent: 'order_status' })),
  ...[
    'hello',
    'thanks a lot',
    'good morning',
    'bye now',
    'what is the weather like',
    'tell me a joke',
  ].map((text) => ({
    text,
    intent: 'oos',
    in_scope: false,
  })),
].map((row, i) => ({ id: `tr${i}`, ...row }));

const testRows = [
  { id: 1, text: 'I would like my money refunded', intent: 'refund' },
  { id: 2, text: 'my package has not arrived yet', intent: 'order_status' },
  { id: 3, text: 'hello there', intent: 'oos', in_scope: false },
];

async function files(train: unknown[], test: unknown[]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'cuecard-intent-eval-'));
  const write = async (name: string, rows: unknown[]) => {
    const file = path.join(dir, name);
    await writeFile(file, rows.map((row) => JSON.stringify(row)).join('\n'));
    return file;
  };
  return {
    train: await write('train.jsonl', train),
    test: await write('test.jsonl', test),
    out: path.join(dir, 'out.jsonl'),
  };
}

describe('intent eval task', () => {
  it('writes one prediction per test row and scores in-scope and out-of-scope rows', async () => {
    const paths = await files(trainRows, testRows);
    const metrics = await task.run({ ...paths, kb: undefined }, reporter);
    const predictions = (await readFile(paths.out, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; intent: string | null; confidence: number });
    expect(predictions.map((p) => Object.keys(p)[0])).toEqual(['id', 'id', 'id']);
    expect(predictions.map((p) => p.id)).toEqual(['1', '2', '3']);
    expect(predictions.map((p) => p.intent)).toEqual(['refund', 'order_status', null]);
    for (const p of predictions) expect(p.confidence).toBeGreaterThan(0);
    expect(metrics).toMatchObject({ n: 3, accuracy: 1, in_scope_accuracy: 1, oos_recall: 1 });
  });

  it('names the file, line and field of a malformed row', async () => {
    const paths = await files(trainRows, [
      { id: 'a', text: 'hi', intent: 'refund' },
      { id: 'b', intent: 'refund' },
    ]);
    await expect(task.run({ ...paths, kb: undefined }, reporter)).rejects.toMatchObject({
      code: 'data_invalid',
      message: expect.stringContaining(`${paths.test}:2: field "text" is missing`),
    });
  });
});

describe('scoreIntents', () => {
  it('counts null as right only for out-of-scope rows', () => {
    expect(scoreIntents(['a', 'b', null, null], ['a', null, null, 'a'])).toEqual({
      n: 4,
      accuracy: 0.5,
      in_scope_accuracy: 0.5,
      oos_recall: 0.5,
    });
    expect(scoreIntents(['a', 'b'], ['a', 'a'])).toEqual({ n: 2, accuracy: 0.5 });
  });
});
