import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSentimentFile, task } from './sentiment.js';

const dir = mkdtempSync(join(tmpdir(), 'cuecard-sentiment-'));
const reporter = { progress: () => {} };

function jsonl(name: string, rows: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  return file;
}

function predictions(file: string): Array<{ id: string; label: string; score: number }> {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('sentiment eval task', () => {
  it('predicts one row per test row, id first, and reports the metrics', async () => {
    const test = jsonl('three.jsonl', [
      { id: 'a', text: 'I love this, thank you so much!', label: 'positive' },
      { id: 'b', text: 'This is the worst service ever, I want to cancel', label: 'negative' },
      { id: 'c', text: 'The store opens at nine on Mondays', label: 'neutral' },
    ]);
    const out = join(dir, 'three-out.jsonl');
    const metrics = await task.run({ test, train: undefined, kb: undefined, out }, reporter);
    const rows = predictions(out);
    expect(rows.map((row) => Object.keys(row)[0])).toEqual(['id', 'id', 'id']);
    expect(rows.map((row) => row.label)).toEqual(['positive', 'negative', 'neutral']);
    expect(rows[0]!.score).toBeGreaterThan(0);
    expect(rows[1]!.score).toBeLessThan(0);
    expect(metrics).toMatchObject({ n: 3, accuracy: 1, macro_recall: 1, macro_f1: 1 });
    // English text: the bundled sentence encoder took part.
    expect(metrics.embeddings).toBe(true);
  });

  it('reads numeric binary labels, predicts only those two, and learns from --train', async () => {
    const train = jsonl('train.jsonl', [
      ...['快递', '衣服', '手机', '书'].flatMap((thing, i) => [
        { id: `p${i}`, text: `${thing}收到了，质量很好，很满意`, label: 1 },
        { id: `n${i}`, text: `${thing}质量太差了，要退货`, label: 0 },
      ]),
    ]);
    const test = jsonl('binary.jsonl', [
      { id: 1, text: '东西不错，物流也快', label: 1, label_name: 'positive' },
      { id: 2, text: '客服态度恶劣，再也不买了', label: 0, label_name: 'negative' },
      { id: 3, text: '今天下午到的', label: 1, label_name: 'positive' },
    ]);
    const out = join(dir, 'binary-out.jsonl');
    const metrics = await task.run({ test, train, kb: undefined, out }, reporter);
    const rows = predictions(out);
    expect(rows.map((row) => row.id)).toEqual(['1', '2', '3']);
    expect(rows.every((row) => row.label === 'negative' || row.label === 'positive')).toBe(true);
    expect(rows.slice(0, 2).map((row) => row.label)).toEqual(['positive', 'negative']);
    expect(metrics.trained).toBe(true);
    // An all-Chinese run does not start the English-only encoder.
    expect(metrics.embeddings).toBe(false);
  });

  it('maps numeric labels by the set they form', async () => {
    const three = jsonl('numeric3.jsonl', [
      { id: 'x', text: 'a', label: 0 },
      { id: 'y', text: 'b', label: 1 },
      { id: 'z', text: 'c', label: 2 },
    ]);
    expect((await readSentimentFile(three)).map((row) => row.label)).toEqual([
      'negative',
      'neutral',
      'positive',
    ]);
  });

  it('names the file, line and field of a bad row', async () => {
    const bad = jsonl('bad.jsonl', [
      { id: 'a', text: 'fine', label: 'positive' },
      { id: 'b', text: 'hmm', label: 'sideways' },
    ]);
    await expect(readSentimentFile(bad)).rejects.toThrow(/bad\.jsonl:2: field "label"/);
    const missing = jsonl('missing.jsonl', [{ id: 'a', label: 'positive' }]);
    await expect(readSentimentFile(missing)).rejects.toThrow(
      /missing\.jsonl:1: field "text" is missing/,
    );
  });
});
