import { describe, expect, it } from 'vitest';
import { majorityLanguage } from './chinese-script.js';
import { chineseContentWords, splitChineseSentences, splitClauses } from './chinese-words.js';

describe('Chinese words', () => {
  it('keeps the words that say what happened, not particles, pronouns, courtesy, dates or counts', () => {
    const words = chineseContentWords('你好，我上周五的话费被扣了两次，如果不退，我就取消宽带！');
    expect(words).toEqual(expect.arrayContaining(['话费', '取消', '宽带']));
    for (const filler of ['你好', '我', '了', '如果', '上周五', '两次', '被扣'])
      expect(words).not.toContain(filler);
  });

  it('cuts sentences and clauses on Chinese punctuation', () => {
    expect(splitChineseSentences('退款已提交。稍后回电！好吗？')).toEqual([
      '退款已提交。',
      '稍后回电！',
      '好吗？',
    ]);
    expect(splitClauses('如果明天还没到，我们会补发；请留意短信')).toEqual([
      '如果明天还没到',
      '我们会补发',
      '请留意短信',
    ]);
  });

  it('tells a Chinese text from an English one that names a Chinese place', () => {
    expect(majorityLanguage(['我的账单被扣了两次'])).toBe('zh');
    expect(majorityLanguage(['I was charged twice at the 上海 store'])).toBe('en');
    expect(majorityLanguage([''])).toBeNull();
  });
});
