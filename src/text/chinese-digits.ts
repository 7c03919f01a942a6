/**
 * The values of the Chinese digit characters (零〇 0, 一 1, 二两 2 … 九 9), shared by the
 * redactor's number reading and the wrap-up's reading of amounts and dates. Spoken phone and card
 * numbers also say 幺 for one; readers of spoken digits add it (`SPOKEN_ONE`).
 */
export const CHINESE_DIGITS: Readonly<Record<string, number>> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 幺: "one" when digits are read out one by one (a phone number, a card). */
export const SPOKEN_ONE: Readonly<Record<string, number>> = { 幺: 1 };

/** Characters a Chinese numeral below ten thousand is written with. */
export const chineseNumeral = '[零〇一二两三四五六七八九十百千]+';

/** "24", "二十四", "十五", "两", "一百二十" → the number; null when it is not one. */
export function chineseNumberValue(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (!new RegExp(`^${chineseNumeral}$`).test(text)) return null;
  let total = 0;
  let digit: number | null = null;
  for (const char of text) {
    const value = CHINESE_DIGITS[char];
    if (value !== undefined) {
      digit = value;
      continue;
    }
    const unit = char === '十' ? 10 : char === '百' ? 100 : 1000;
    // "十五" starts with its unit: one ten.
    total += (digit ?? 1) * unit;
    digit = null;
  }
  return total + (digit ?? 0);
}
