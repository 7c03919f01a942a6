import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownBlocks, plainText } from '../web/src/agent/plain-text.js';

const article = (name: string) =>
  readFile(path.join(import.meta.dirname, '../knowledge/articles', name), 'utf8').then((text) =>
    // The front matter is the article's metadata, not its body.
    text.replace(/^---\n[\s\S]*?\n---\n/, ''),
  );

/** What the agent pastes to a customer from the article drawer: each block as plain text. */
describe('article blocks as the agent copies or inserts them', () => {
  it('cuts an English article into headings, paragraphs and lists, with no markup left', async () => {
    const blocks = markdownBlocks(await article('billing-refund-policy.md'));
    expect(blocks[0]).toEqual({ source: '# Refund policy and refund timelines', heading: true });
    const list = blocks.find((block) => block.source.includes('Overpayments'))!;
    expect(plainText(list.source)).toBe(
      [
        'What can be refunded',
        '- Overpayments and duplicate payments: always, in full.',
        '- Billing errors confirmed by a dispute: credited on the next bill; refunded to the original payment method only if the account is closed or the credit exceeds two months of charges.',
        '- Devices and accessories returned within the return window (see Returning a device or accessory).',
        '- Brightwave Stream rentals that failed to play: refunded as a credit after checking the playback log.',
      ].join('\n'),
    );
    for (const block of blocks) expect(plainText(block.source)).not.toMatch(/\*\*|`|^#/m);
  });

  it('keeps Chinese text whole and drops only the emphasis around it', async () => {
    const blocks = markdownBlocks(await article('zh-outage-compensation.md'));
    const automatic = blocks.find((block) => block.source.includes('自动补偿'))!;
    expect(plainText(automatic.source)).toBe(
      '自动补偿：故障持续超过 24 小时，所有受影响的账户会自动获得补偿，每整天断网补偿套餐日费的两倍，客户无需申请。补偿金额会在两期账单内出现。',
    );
  });

  it('keeps a fenced code block as one block, blank lines and all', () => {
    const blocks = markdownBlocks('Run this:\n\n```\nreset --all\n\nreboot\n```\nDone.');
    expect(blocks.map((block) => block.source)).toEqual([
      'Run this:',
      '```\nreset --all\n\nreboot\n```',
      'Done.',
    ]);
    expect(plainText(blocks[1]!.source)).toBe('reset --all\n\nreboot');
  });
});
