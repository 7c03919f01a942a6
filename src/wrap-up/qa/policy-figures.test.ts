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

  it('finds Chinese timelines, fees and limits said as rules, in Chinese numerals and digits', () => {
    expect(policyFigures('银行卡退款三到五个工作日到账。')).toEqual([
      { kind: 'duration', text: '三到五个工作日', values: [3, 5] },
    ]);
    expect(policyFigures('退款一般5个工作日内退回原付款方式。')).toEqual([
      { kind: 'duration', text: '5个工作日', values: [5] },
    ]);
    expect(texts('补办手续费是十元一次。')).toEqual(['十元']);
    expect(texts('故障持续超过二十四小时，系统会按天补偿。')).toEqual(['二十四小时']);
    expect(texts('每个账户最多绑定三张卡。')).toEqual(['最多绑定三']);
  });

  it("leaves out Chinese figures read off the customer's account and the agent's own waits", () => {
    expect(policyFigures('我看到11月3日有两笔24.99元的扣费。')).toEqual([]);
    expect(policyFigures('多扣的八十九元我已经为您办理退款。')).toEqual([]);
    expect(policyFigures('您的套餐是每月一百二十八元。')).toEqual([]);
    expect(policyFigures('请您稍等两分钟，我帮您查一下。')).toEqual([]);
    expect(policyFigures('您三天前已经付过款了。')).toEqual([]);
  });

  it('reads Chinese numbers in articles the way agents say them', () => {
    expect(numbersIn('银行卡：发起退款后 3 至 5 个工作日到账，最长十个工作日，二十四小时')).toEqual(
      [3, 5, 10, 24],
    );
  });
});
