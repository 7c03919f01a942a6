import { describe, expect, it } from 'vitest';
import { topicWordCount } from './routine-turn.js';

describe('topicWordCount', () => {
  it.each([
    'Hi, good morning!',
    'Yes please, that would be fair.',
    'No, that is all, thanks. Bye.',
    "It's sam.okafor@example.net",
    'My date of birth is 12/04/1986',
    '13812345678。',
    '好吧，谢谢。',
    '没有了，谢谢，再见。',
    '您好',
  ])('finds no topic in the routine turn %j', (turn) => {
    expect(topicWordCount(turn)).toBe(0);
  });

  it.each([
    ['I was charged twice this month', 2],
    ['Since about seven this morning. No error, it just does not connect.', 2],
    ['Thanks, and how do I set up autopay?', 2],
    ['你好，我这个月的宽带费被扣了两次', 2],
    ['我想取消订阅', 2],
  ] as const)('keeps the topic of %j', (turn, atLeast) => {
    expect(topicWordCount(turn)).toBeGreaterThanOrEqual(atLeast);
  });
});
