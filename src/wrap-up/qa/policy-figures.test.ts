import { describe, expect, it } from 'vitest';
import { numbersIn, policyFigures } from './policy-figures.js';

const texts = (sentence: string) => policyFigures(sentence).map((figure) => figure.text);

describe('policy figures', () => {
  it('finds timelines, fees, percentages and limits said as rules', () => {
    expect(policyFigures('Refunds arrive in 5 to 7 business days.')).toEqual([
      { kind: 'duration', text: '5 to 7 business days', values: [5, 7] },
    ]);
    expect(policyFigures('Card refunds take five to seven business days.')[0]?.values).toEqual([
      5, 7,
    ]);
    expect(texts('You can return it within 30 days for a full refund.')).toEqual(['30 days']);
    expect(texts('The late fee is $5 per month.')).toEqual(['$5']);
    expect(texts('You can get a 20% loyalty discount for 12 months.')).toEqual([
      '20%',
      '12 months',
    ]);
    expect(texts('You can stream on up to 4 screens at once.')).toEqual(['up to 4']);
  });

  it("leaves out figures read off the customer's account, offers and the agent's own hold times", () => {
    expect(policyFigures('I see two charges of $24.99 on November 3rd.')).toEqual([]);
    expect(
      policyFigures("I'm issuing a refund of $24.99 to your card ending 4242 right now."),
    ).toEqual([]);
    expect(policyFigures('Your plan is $24.99 a month.')).toEqual([]);
    expect(policyFigures("I'm applying a 20% discount to your bill.")).toEqual([]);
    expect(policyFigures('Your order shipped 3 days ago.')).toEqual([]);
    expect(policyFigures('I can offer you one month free as an apology.')).toEqual([]);
    expect(policyFigures('Give me 2 minutes to check.')).toEqual([]);
  });

  it('reads numbers in articles the way agents say them', () => {
    expect(
      numbersIn('Card refunds: 3–5 business days, within two bills, twenty-four hours'),
    ).toEqual([3, 5, 2, 24]);
    expect(numbersIn('often someone')).toEqual([]);
  });
});
