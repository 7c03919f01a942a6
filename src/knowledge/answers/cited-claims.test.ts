import { describe, expect, it } from 'vitest';
import { checkCitations, splitClaims } from './cited-claims.js';

const given = new Set(['shipping-delivery-times', 'billing-refund-policy']);

describe('checkCitations', () => {
  it('keeps claims that cite a given article, without the brackets', () => {
    const checked = checkCitations(
      'Standard delivery takes 3–5 business days [shipping-delivery-times]. Refunds go back to the original card. [billing-refund-policy]',
      given,
    );
    expect(checked.claims).toEqual([
      {
        text: 'Standard delivery takes 3–5 business days.',
        articleIds: ['shipping-delivery-times'],
      },
      { text: 'Refunds go back to the original card.', articleIds: ['billing-refund-policy'] },
    ]);
    expect(checked).toMatchObject({ inventedCitations: 0, uncitedClaims: 0, declined: false });
  });

  it('drops an invented citation, and the claim it alone backed', () => {
    const checked = checkCitations(
      'Express costs $12.99 [shipping-delivery-times]. You also get a free month [loyalty-perks]. Refunds take 5 days [billing-refund-policy, made-up-policy].',
      given,
    );
    expect(checked.claims.map((claim) => claim.text)).toEqual([
      'Express costs $12.99.',
      'Refunds take 5 days.',
    ]);
    expect(checked.claims[1]!.articleIds).toEqual(['billing-refund-policy']);
    expect(checked.inventedCitations).toBe(2);
    expect(checked.uncitedClaims).toBe(1);
  });

  it('drops claims with no citation at all', () => {
    const checked = checkCitations('It usually arrives tomorrow. Thanks for waiting!', given);
    expect(checked.claims).toEqual([]);
    expect(checked.uncitedClaims).toBe(2);
  });

  it('reads Chinese sentences and full-width separators', () => {
    const checked = checkCitations(
      '重复付款会全额退还[billing-refund-policy]。退款一律退回原付款方式。[billing-refund-policy；zh-fake]',
      given,
    );
    expect(checked.claims).toEqual([
      { text: '重复付款会全额退还。', articleIds: ['billing-refund-policy'] },
      { text: '退款一律退回原付款方式。', articleIds: ['billing-refund-policy'] },
    ]);
    expect(checked.inventedCitations).toBe(1);
  });

  it('takes the model at its word when it declines', () => {
    expect(checkCitations('NO_ANSWER', given)).toMatchObject({ declined: true, claims: [] });
  });
});

describe('splitClaims', () => {
  it('does not split inside prices or ids, and reads list items as claims', () => {
    expect(splitClaims('- Express is $12.99 [a.b].\n- Standard is free over $50.')).toEqual([
      '- Express is $12.99 [a.b].',
      '- Standard is free over $50.',
    ]);
  });
});
