import { describe, expect, it } from 'vitest';
import { draftTemplateReply, supportingSentences } from './reply-drafting.js';

const passage =
  '… Charged twice. Customers may dispute any charge from the last 120 days. A duplicate payment is refunded in full to the original card within 5 to 7 business days. Older charges need approval.';

describe('offline reply drafting', () => {
  it('quotes the sentences that answer the customer, not the passage opening or a cut fragment', () => {
    expect(
      supportingSentences(passage, 'How long does the refund of the duplicate payment take?'),
    ).toBe(
      'A duplicate payment is refunded in full to the original card within 5 to 7 business days.',
    );
  });

  it('falls back to the first full sentence when the turn shares no word with the passage', () => {
    expect(supportingSentences(passage, 'hello there')).toMatch(
      /^Customers may dispute any charge/,
    );
  });

  it('matches Chinese turns by character pairs', () => {
    expect(
      supportingSentences(
        '退款规则如下。重复付款全额退还，五个工作日内到账。其他情况需要主管审批。',
        '重复付款什么时候退还',
      ),
    ).toMatch(/^重复付款全额退还/);
  });

  it('cites the article it quotes', () => {
    const reply = draftTemplateReply(
      { article: { articleId: 'kb-refunds', title: 'Refunds', passage } },
      'when do I get the duplicate payment back',
    );
    expect(reply?.citations).toEqual([
      expect.objectContaining({ articleId: 'kb-refunds', title: 'Refunds' }),
    ]);
    expect(reply?.text).toContain('duplicate payment is refunded');
  });
});
