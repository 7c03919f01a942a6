import { describe, expect, it } from 'vitest';
import { supportingSentences } from './supporting-sentences.js';

const shipping =
  'Phones, routers and accessories ship from our warehouse. Standard delivery takes 3–5 business days, free on orders over $50. Express arrives the next business day when ordered before 2 pm. Store pickup is ready in 2 hours.';

describe('supportingSentences', () => {
  it('quotes the sentences that answer an English question, its words marked', () => {
    const answer = supportingSentences(shipping, 'How long does standard delivery take?');
    expect(answer?.text).toBe(
      'Standard delivery takes 3–5 business days, free on orders over $50.',
    );
    expect(answer?.highlighted).toContain(
      '<mark>Standard</mark> <mark>delivery</mark> <mark>takes</mark>',
    );
  });

  it('adds the next sentence when it answers too', () => {
    const answer = supportingSentences(
      shipping,
      'Does express arrive the next business day, or is store pickup quicker?',
    );
    expect(answer?.text).toBe(
      'Express arrives the next business day when ordered before 2 pm. Store pickup is ready in 2 hours.',
    );
  });

  it('answers a Chinese question with the Chinese sentence, its words marked', () => {
    const passage =
      '重复付款或多付的金额：全额退还。退款一律退回原付款方式。如果原银行卡已过期，银行通常会转入新卡。';
    const answer = supportingSentences(passage, '我的退款会退到哪里？原来的银行卡过期了怎么办？');
    expect(answer?.text).toContain('银行卡已过期');
    expect(answer?.highlighted).toContain('<mark>银行卡</mark>');
    expect(answer?.text).not.toMatch(/[a-z]/i);
  });

  it('quotes whole sentences only, not the pieces a search window cut', () => {
    const answer = supportingSentences(
      'standard delivery takes longer in winter. … Standard delivery takes 3–5 business days. … the courier',
      'How long does standard delivery take?',
    );
    expect(answer?.text).toBe('Standard delivery takes 3–5 business days.');
  });

  it('reads what a Chinese question asks about, not its question words', () => {
    const answer = supportingSentences(
      '补偿：故障持续超过 24 小时，系统会自动按天发放补偿。补偿会体现在下一期账单中，不提供现金。',
      '断了这么久，有没有补偿？',
    );
    expect(answer?.text).toContain('系统会自动按天发放补偿');
  });

  it('says nothing when no sentence meets the question', () => {
    expect(supportingSentences(shipping, 'Can I pay my bill with PayPal?')).toBeNull();
  });

  it('escapes what the article says, marking only the question words', () => {
    const answer = supportingSentences(
      'Reset the <b>router</b> by holding the button for 10 seconds.',
      'How do I reset my router?',
    );
    expect(answer?.highlighted).toBe(
      '<mark>Reset</mark> the &lt;b&gt;<mark>router</mark>&lt;/b&gt; by holding the button for 10 seconds.',
    );
  });

  it('answers the question a Chinese turn asks, not the story around it', () => {
    const passage =
      '因我们的原因导致客户无法使用服务时，客户应当获得补偿。补偿一律以账单抵扣的方式体现在下一期账单中。';
    const answer = supportingSentences(
      passage,
      '我在家办公，断了快一天了，这个损失谁来管？你们有没有补偿？',
    );
    expect(answer?.text).toBe(passage);
    expect(answer?.highlighted).toContain('<mark>补偿</mark>');
  });

  it('refuses a Chinese question the passage does not answer', () => {
    const passage =
      '补偿：故障持续超过 24 小时，系统会自动按天发放补偿。补偿会体现在下一期账单中。';
    expect(supportingSentences(passage, '营业厅周末几点关门？')).toBeNull();
    // 账单 alone, of a question about paying it by a card: a coincidence, not an answer.
    expect(supportingSentences(passage, '我能用信用卡自动支付账单吗？')).toBeNull();
  });

  it('answers each English question of a turn on its own', () => {
    const refunds =
      'Duplicate payments are refunded in full. Refunds go back to the original payment method within 5 business days.';
    const answer = supportingSentences(
      refunds,
      'I was charged twice last week. Why did that happen? And where will the refund go?',
    );
    expect(answer?.text).toBe(
      'Refunds go back to the original payment method within 5 business days.',
    );
  });

  it('does not take the story around an English question for an answer', () => {
    // "standard", "delivery", "days" are in the story; the question asks what the fee is.
    expect(
      supportingSentences(shipping, 'Standard delivery took 9 days last time. What is the fee?'),
    ).toBeNull();
  });
});
