import { CHINESE_DIGITS } from '../../text/chinese-digits.js';

/**
 * Chinese text helpers for the wrap-up features: which script a text is mostly in, clause
 * splitting on Chinese punctuation, and Chinese numerals as speech-to-text writes them.
 */

const hanPattern = /\p{Script=Han}/gu;
const kanaPattern = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const latinWordPattern = /[A-Za-z]+(?:'[A-Za-z]+)?/g;
// A Chinese word is one to two characters, so a Latin word weighs about as much as 1.5 Han
// characters when deciding which language most of a text is in.
const hanPerLatinWord = 1.5;

// Traditional → Simplified for the characters the wrap-up cues, dates and templates use, so a
// call in Traditional characters gets the same commitments and note (written in Simplified).
// Only one-to-one pairs: a character whose Simplified form depends on the word is left alone.
const traditionalPairs =
  '們们這这個个後后週周禮礼電电聯联繫系絡络發发貨货達达補补專专員员經经級级轉转報报處处時时鐘钟內内幾几兩两號号點点將将會会預预計计證证諾诺爭争還还錢钱費费帳账賬账單单複复務务換换別别訴诉戶户訂订網网對对實实詢询確确認认為为幫帮給给請请問问題题謝谢見见氣气過过決决滿满辦办記记錄录開开調调減减復复麼么嗎吗讓让說说話话撥拨關关於于應应該该條条態态額额塊块連连線线斷断碼码錯错與与來来頭头萬万億亿筆笔續续購购買买訊讯簡简絕绝雙双誤误啟启歡欢戲戏瀏浏覽览區区總总擊击護护價价壞坏幣币機机據据稱称產产種种類类藝艺師师門门進进賠赔償偿貸贷檢检驗验剛刚讀读寫写權权險险準准備备歷历異异負负責责陣阵隊队雜杂邊边郵邮遞递運运輸输約约結结帶带體体樣样';
const simplifiedOf = new Map(
  Array.from({ length: traditionalPairs.length / 2 }, (_, index) => [
    traditionalPairs[index * 2]!,
    traditionalPairs[index * 2 + 1]!,
  ]),
);

/** The text with the Traditional characters the wrap-up rules read turned into Simplified. */
export function toSimplified(text: string): string {
  return text.replace(/\p{Script=Han}/gu, (char) => simplifiedOf.get(char) ?? char);
}

/**
 * Whether most of these texts are Chinese ('zh', by Han characters against Latin words) or not
 * ('en': the English rules, which also serve every other language); null when there is no text.
 */
export function majorityLanguage(texts: readonly string[]): 'zh' | 'en' | null {
  let han = 0;
  let latin = 0;
  let kana = 0;
  for (const text of texts) {
    han += text.match(hanPattern)?.length ?? 0;
    latin += text.match(latinWordPattern)?.length ?? 0;
    kana += text.match(kanaPattern)?.length ?? 0;
  }
  if (han === 0 && latin === 0 && kana === 0) return null;
  // Japanese writes Han characters too; its kana keep it off the Chinese path.
  if (kana > 0.1 * (han + kana)) return 'en';
  return han > latin * hanPerLatinWord ? 'zh' : 'en';
}

/** Sentences, split after 。！？ (and Latin terminal marks); keeps the punctuation. */
export function splitChineseSentences(text: string): string[] {
  return (text.match(/[^。！？!?]+(?:[。！？!?]+|$)/g) ?? [])
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Clauses of one sentence, split on Chinese and Latin commas and semicolons, without them. */
export function splitClauses(sentence: string): string[] {
  return sentence
    .split(/[，,；;：:。！？!?、]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

const digitValues = CHINESE_DIGITS;

/** Characters a Chinese numeral below ten thousand is written with. */
export const chineseNumeral = '[零〇一二两三四五六七八九十百千]+';

/** "24", "二十四", "十五", "两", "一百二十" → the number; null when it is not one. */
export function chineseNumberValue(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (!new RegExp(`^${chineseNumeral}$`).test(text)) return null;
  let total = 0;
  let digit: number | null = null;
  for (const char of text) {
    const value = digitValues[char];
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
