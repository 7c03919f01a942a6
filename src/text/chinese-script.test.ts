import { describe, expect, it } from 'vitest';
import { toSimplified } from './chinese-script.js';

describe('toSimplified', () => {
  it('maps the traditional characters of complaints, apologies and leaving', () => {
    expect(toSimplified('太氣人了！對不起，讓您久等了')).toBe('太气人了！对不起，让您久等了');
    expect(toSimplified('取消服務，換別家，銷戶，攜號轉網')).toBe(
      '取消服务，换别家，销户，携号转网',
    );
    expect(toSimplified('我要找你們經理投訴')).toBe('我要找你们经理投诉');
  });

  it('leaves simplified, English and mixed text as it was', () => {
    for (const text of ['著名的品牌，太气人了', 'I was charged twice', '这个 bill 太离谱了', '']) {
      expect(toSimplified(text)).toBe(text);
    }
  });
});
