import { describe, expect, it } from 'vitest';
import { markdownToPlainText } from './markdown-to-plain-text.js';

describe('markdownToPlainText', () => {
  it('removes bold, headings, emphasis, links and code marks an agent should never see', () => {
    expect(
      markdownToPlainText(
        '# Refunds\n**Steps** 1. Verify the account holder (see *Verifying identity*). [Form](https://x.test/a) `RF-2`',
      ),
    ).toBe('Refunds\nSteps 1. Verify the account holder (see Verifying identity). Form RF-2');
  });

  it('cleans markup a search fragment cut in half', () => {
    expect(markdownToPlainText('… **: when an outage lasts more than 24 hours')).toBe(
      '… when an outage lasts more than 24 hours',
    );
    expect(markdownToPlainText('Packages**: Stream Basic')).toBe('Packages: Stream Basic');
  });

  it('keeps list bullets, arithmetic and snake_case words', () => {
    expect(markdownToPlainText('- 2 * 3 = 6\n- use plan_code here')).toBe(
      '- 2 * 3 = 6\n- use plan_code here',
    );
  });

  it('leaves Chinese text and highlight markers alone', () => {
    expect(markdownToPlainText('**补偿**：故障持续\uE000超过\uE001')).toBe(
      '补偿：故障持续\uE000超过\uE001',
    );
  });
});
