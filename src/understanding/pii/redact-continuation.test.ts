import { describe, expect, it } from 'vitest';
import { redactPii, type RedactOptions, type UtteranceTail } from './redact.js';

/**
 * One speaker's final utterances in order, redacted the way the ingest service does it: each with
 * the tail of the one before.
 */
function speak(utterances: string[], options: Omit<RedactOptions, 'previous'> = { mode: 'mask' }) {
  let previous: UtteranceTail | null = null;
  return utterances.map((text) => {
    const result = redactPii(text, { ...options, previous });
    previous = result.tail;
    return result.text;
  });
}

describe('redactPii: a number continued in the next utterance of the same speaker', () => {
  it.each([
    [
      'card split 8 + 8',
      ['my card is 4111 1111', '1111 1111'],
      ['my card is [BANK_ACCOUNT]', '[BANK_ACCOUNT]'],
    ],
    [
      'card split 8 + 8 without naming it',
      ['it is 4111 1111', '1111 1111.'],
      ['it is 4111 1111', '[CARD_NUMBER].'],
    ],
    [
      'card split 4 + 12',
      ['the number is 4111', '1111 1111 1111 thanks'],
      ['the number is 4111', '[CARD_NUMBER] thanks'],
    ],
    [
      'card split 4 + 4 + 4 + 4',
      ['so 4111', '1111', '1111', '1111'],
      ['so 4111', '1111', '1111', '[CARD_NUMBER]'],
    ],
    [
      'card read digit by digit across two utterances',
      ['it is four one one one one one one one', 'one one one one one one one one'],
      ['it is four one one one one one one one', '[CARD_NUMBER]'],
    ],
    [
      'after a filler word',
      ['4111 1111', 'uh, 1111 1111 is it'],
      ['4111 1111', 'uh, [CARD_NUMBER] is it'],
    ],
    ['phone split 3 + 7', ['call me on 415', '555 2671'], ['call me on 415', '[PHONE]']],
    [
      'SSN split 3-2 + 4',
      ['my social is 078 05', '5141'],
      ['my social is 078 05', '[NATIONAL_ID]'],
    ],
    [
      'the rest of a number already redacted',
      ['card 4111 1111 1111 1111', '4444 and that is all'],
      ['card [CARD_NUMBER]', '[CARD_NUMBER] and that is all'],
    ],
  ])('%s', (_name, utterances, expected) => {
    expect(speak(utterances)).toEqual(expected);
  });

  it.each([
    ['an order number and a postcode', ['order 4111', '1111 is my postcode']],
    ['an order number whose digits would make a card', ['my order is 4111 1111', '1111 1111']],
    ['a number that is not personal data together', ['I counted 4111', '1111 is my postcode']],
    [
      'a number that does not start the next utterance',
      ['it is 4111 1111', 'and then I said 1111 1111'],
    ],
    ['an amount after a card', ['card 4111 1111 1111 1111', '1500 dollars was charged']],
    ['too few digits after a placeholder', ['card 4111 1111 1111 1111', '12 months ago']],
    ['a previous utterance that did not end in a number', ['it is 4111 1111 I think', '1111 1111']],
  ])('leaves apart: %s', (_name, utterances) => {
    const alone = utterances.map((text) => redactPii(text, { mode: 'mask' }).text);
    expect(speak(utterances)).toEqual(alone);
  });

  it('hashes the continued half with the whole number, so its token does not depend on the split', () => {
    const options = { mode: 'hash', hashSalt: 'tenant' } as const;
    const [, second] = speak(['it is 4111 1111', '1111 1111'], options);
    const whole = redactPii('it is 4111 1111 1111 1111', options).text;
    expect(second).toBe(whole.replace('it is ', ''));
  });

  it('forgets nothing it should not: mode off and an empty utterance carry no tail', () => {
    expect(redactPii('4111 1111', { mode: 'off' }).tail.groups).toEqual([]);
    expect(speak(['it is 4111 1111', '', '1111 1111'])).toEqual([
      'it is 4111 1111',
      '',
      '1111 1111',
    ]);
  });

  it('stays bounded on a pasted run continued from a pasted run', () => {
    const run = '1 '.repeat(30_000);
    const first = redactPii(run, { mode: 'mask' });
    expect(first.tail.groups.length).toBeLessThanOrEqual(24);
    const started = performance.now();
    redactPii(run, { mode: 'mask', previous: first.tail });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
