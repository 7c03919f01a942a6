import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { task } from './next-action.js';

/**
 * A tiny shop: password resets go "look up account → send link"; refunds go "look up account →
 * check order → refund". The second step of each needs the action history (the text is the
 * same as at the first step), the rest needs the words.
 */
function conversations(count: number, offset: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = offset + i;
    const name = ['ana', 'bo', 'cy', 'dee'][i % 4]!;
    if (i % 2 === 0) {
      const context = `hi i forgot my password please help. sure, your name? ${name}`;
      rows.push(JSON.stringify({ id: `${id}-1`, context, action: 'pull-up-account' }));
      rows.push(JSON.stringify({ id: `${id}-2`, context, action: 'send-reset-link' }));
    } else {
      const first = `hello i want my money back for a broken lamp. sure, your name? ${name}`;
      const second = `${first} and the order number? <order_id>`;
      rows.push(JSON.stringify({ id: `${id}-1`, context: first, action: 'pull-up-account' }));
      rows.push(JSON.stringify({ id: `${id}-2`, context: second, action: 'validate-purchase' }));
      rows.push(
        JSON.stringify({
          id: `${id}-3`,
          context: `${second} thanks, refunding now`,
          action: 'offer-refund',
        }),
      );
    }
  }
  return rows;
}

const reporter = { progress: () => {} };

describe('next-action eval task', () => {
  it('learns action sequences and writes one ranked prediction per test row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'next-action-'));
    await writeFile(join(dir, 'train.jsonl'), conversations(40, 0).join('\n'));
    await writeFile(join(dir, 'test.jsonl'), conversations(8, 1000).join('\n'));
    const out = join(dir, 'out.jsonl');
    const metrics = await task.run(
      { train: join(dir, 'train.jsonl'), test: join(dir, 'test.jsonl'), kb: undefined, out },
      reporter,
    );
    expect(metrics.accuracy).toBe(1);
    const predictions = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(predictions).toHaveLength(20);
    expect(Object.keys(predictions[0]!)[0]).toBe('id');
    // Same words at steps 1 and 2 of a reset: only the history tells them apart.
    expect(predictions.find((p) => p.id === '1000-2')!.action).toBe('send-reset-link');
    expect(predictions[0]!.ranked).toContain('offer-refund');
  });

  it('uses a guidelines file to rank the workflow step that is still undone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'next-action-kb-'));
    await writeFile(join(dir, 'train.jsonl'), conversations(40, 0).join('\n'));
    await writeFile(join(dir, 'test.jsonl'), conversations(4, 2000).join('\n'));
    const guidelines = {
      Access: {
        description: 'password problems',
        subflows: {
          Reset: {
            actions: [{ button: 'Pull up Account' }, { button: 'Send Reset Link' }],
            instructions: ['forgot password'],
          },
        },
      },
    };
    await writeFile(join(dir, 'kb.json'), JSON.stringify(guidelines));
    const metrics = await task.run(
      {
        train: join(dir, 'train.jsonl'),
        test: join(dir, 'test.jsonl'),
        kb: join(dir, 'kb.json'),
        out: join(dir, 'out.jsonl'),
      },
      reporter,
    );
    expect(metrics.accuracy).toBe(1);
  });

  it('names the file, line and field of a malformed row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'next-action-bad-'));
    await writeFile(
      join(dir, 'train.jsonl'),
      `${conversations(2, 0).join('\n')}\n{"id":"x","context":"hi"}\n`,
    );
    await expect(
      task.run(
        {
          train: join(dir, 'train.jsonl'),
          test: join(dir, 'train.jsonl'),
          kb: undefined,
          out: join(dir, 'o.jsonl'),
        },
        reporter,
      ),
    ).rejects.toThrow(/train\.jsonl:6: field "action" is missing/);
  });
});
