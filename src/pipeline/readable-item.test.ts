import { describe, expect, it } from 'vitest';
import type { UtteranceItem } from '../conversations/types.js';
import { readableItem } from './readable-item.js';

const utterance = (text: string): UtteranceItem => ({
  kind: 'utterance',
  conversationId: 'c',
  seq: 1,
  speaker: 'customer',
  text,
  startMs: null,
  endMs: null,
  language: null,
  createdAt: new Date(0).toISOString(),
});

const textOf = (item: ReturnType<typeof readableItem>) =>
  item.kind === 'utterance' ? item.text : null;

describe('readableItem', () => {
  it('hands stages traditional Chinese as simplified', () => {
    expect(textOf(readableItem(utterance('您好，我的帳單被重複扣款了，我要退款')))).toBe(
      '您好，我的账单被重复扣款了，我要退款',
    );
    expect(textOf(readableItem(utterance('我這個月被扣了兩次，幫我看看，沒問題再見')))).toBe(
      '我这个月被扣了两次，帮我看看，没问题再见',
    );
  });

  it('leaves Japanese, simplified and English text as it was said', () => {
    for (const text of ['請求書が二重になっています', '我要退款', 'I was charged twice']) {
      const item = utterance(text);
      expect(readableItem(item)).toBe(item);
    }
  });
});
