import { describe, expect, it } from 'vitest';
import { balanceMarkdown, CLOSE, excerpt, markCjk, OPEN, renderHighlight } from './highlight.js';

const mark = (word: string): string => `${OPEN}${word}${CLOSE}`;

describe('search result highlights', () => {
  it('escapes article text, so a passage cannot put HTML on the agent screen', () => {
    const rendered = renderHighlight(`Use the <b>${mark('Refund')}</b> form & "wait"`);
    expect(rendered.highlighted).toBe(
      'Use the &lt;b&gt;<mark>Refund</mark>&lt;/b&gt; form &amp; &quot;wait&quot;',
    );
    expect(rendered.passage).toBe('Use the <b>Refund</b> form & "wait"');
    expect(rendered.matched).toEqual(['refund']);
  });

  it('marks Chinese query words by literal match, longest first, and ignores word pairs', () => {
    const marked = markCjk('退款申请需要三天', [
      { term: '退款', weight: 1 },
      { term: '退款申请', weight: 1 },
      { term: '三天 退款', weight: 1 },
    ]);
    expect(renderHighlight(marked).matched).toEqual(['退款申请']);
  });

  it('marks the characters of an unknown word only in a passage no query word matched', () => {
    // 被扣 is in no article: the search read it as the character 扣 (han-characters.ts).
    const terms = [
      { term: '被扣', weight: 1 },
      { term: '宽带', weight: 1 },
      { term: '~扣', weight: 0.5, partOf: '被扣' },
    ];
    expect(renderHighlight(markCjk('重复扣费会全额退还', terms)).matched).toEqual(['扣']);
    // Where 宽带 matched as a word, a lone 扣 would only scatter the eye.
    expect(renderHighlight(markCjk('宽带月费从账户扣款', terms)).matched).toEqual(['宽带']);
  });

  it('cuts a long passage around its first mark without leaving a mark open', () => {
    // The second mark opens inside the 100-character window and closes after it.
    const text = `${'a '.repeat(200)}${mark('refund')} ${'b '.repeat(30)}${mark('lateness')} ${'c '.repeat(200)}`;
    const cut = excerpt(text, 100);
    expect(cut.startsWith('… ')).toBe(true);
    expect(cut.endsWith(' …')).toBe(true);
    expect(cut).toContain(mark('refund'));
    expect(cut).not.toContain(OPEN + 'late');
    expect(cut.split(OPEN).length).toBe(cut.split(CLOSE).length);
    expect(excerpt('short text', 100)).toBe('short text');
  });

  it('keeps the Markdown in the highlighted passage for the consoles, plain text in the passage', () => {
    const rendered = renderHighlight(
      `**Delivery options**\n- Standard: 3–5 business ${mark('days')}`,
    );
    expect(rendered.highlighted).toBe(
      '**Delivery options**\n- Standard: 3–5 business <mark>days</mark>',
    );
    expect(rendered.passage).not.toContain('**');
  });

  it('drops the half of a marker pair that a cut passage leaves behind', () => {
    expect(balanceMarkdown('lasts 24 hours**: the credit is **automatic**')).toBe(
      'lasts 24 hours: the credit is **automatic**',
    );
    expect(balanceMarkdown('**Tracking.** The order screen shows **the')).toBe(
      '**Tracking.** The order screen shows the',
    );
    expect(balanceMarkdown('**补偿**：故障持续超过')).toBe('**补偿**：故障持续超过');
    expect(balanceMarkdown('use `plan_code here')).toBe('use plan_code here');
  });
});
