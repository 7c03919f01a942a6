import { describe, expect, it } from 'vitest';
import { conversationQuery, splitSentences } from './conversation-query.js';

describe('conversationQuery', () => {
  it('weighs the customer over the agent and recent turns over old ones, with a floor', () => {
    const { segments, vectorText } = conversationQuery(
      [
        { speaker: 'customer', text: 'My bill is wrong' },
        { speaker: 'agent', text: 'Let me check the bill' },
        ...Array.from({ length: 10 }, () => ({ speaker: 'agent' as const, text: 'ok' })),
        { speaker: 'customer', text: 'Also my phone does not work abroad' },
      ],
      { embedWords: 5 },
    );
    const first = segments[0]!.weight;
    const last = segments[segments.length - 1]!.weight;
    expect(last).toBe(1);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(last);
    // Agent turns count half as much as a customer turn of the same age.
    expect(segments[segments.length - 2]!.weight).toBeCloseTo(0.5 * 0.85, 5);
    expect(vectorText).toBe('phone does not work abroad');
  });

  it('splits plain chats into equally weighted sentences', () => {
    expect(splitSentences('Hi. I need a refund! When？ 我想退款。好的')).toEqual(['Hi.', 'I need a refund!', 'When？', '我想退款。', '好的']);
    const { segments } = conversationQuery('Hello. My order is late.');
    expect(segments).toEqual([
      { text: 'Hello.', weight: 1 },
      { text: 'My order is late.', weight: 1 },
    ]);
  });
});
