import { chineseNumberValue, chineseNumeral } from '../../text/chinese-digits.js';
import type { PolicyFigure } from './policy-figures.js';
import { figureSpans } from './figure-spans.js';

/**
 * Policy figures said in Chinese ("三到五个工作日", "5个工作日", "十元手续费", "最多三张"), in
 * Chinese numerals or digits, with the same split as the English reader: rules a knowledge
 * article can state are checked; amounts, dates and history read off the customer's account are
 * left out, and so are the agent's own waits.
 */

const number = `(?:\\d+(?:\\.\\d+)?|${chineseNumeral})`;
const rangeJoin = '\\s*(?:到|至|-|~|－|—|–|或)\\s*';
// Bare 日 and 月 are not units: "12月11日" is a date. 分钟 and 秒 are the agent's own waits.
const durationPattern = new RegExp(
  `${number}(?:${rangeJoin}${number})?\\s*(?:个)?\\s*(?:工作日|自然日|天|小时|钟头|周|星期|个月|年)`,
  'g',
);
const pricePattern = new RegExp(
  `[¥￥]\\s?\\d+(?:\\.\\d+)?|${number}(?:${rangeJoin}${number})?\\s*(?:元|块钱|块)`,
  'g',
);
const percentagePattern = new RegExp(
  `百分之${chineseNumeral}|${number}\\s*[%％]|${chineseNumeral}折`,
  'g',
);
const limitPattern = new RegExp(
  `(?:最多|至多|最少|至少|不超过|不少于|最高|最低|上限)[^，。！？\\d零〇一二两三四五六七八九十百千]{0,4}${number}`,
  'g',
);

/** The sentence is about this customer's transactions: its amounts are read off the account. */
const accountContext =
  /您的?(?:卡|银行卡|账户|帐户|账单|套餐|订单|余额|话费)|尾号|我(?:这边)?(?:看到|查到)|系统显示|多扣|扣了|扣费|扣款|两笔|一笔|已经(?:为您|帮您|给您)?|为您办理|帮您办理|\d+月\d+[日号]|[零〇一二两三四五六七八九十]+月[零〇一二两三四五六七八九十]+[日号]/;
/** A price said as a rule: a fee, a rate per period, a threshold. */
const priceRuleContext = /费|收取|每|一次|起|最多|最少|超过|以上|以下|不到|满/;
/** Right after a duration: history ("三天前"), or what is left ("还剩两天"). */
const durationNotRule = /^\s*(?:前|以前|之前|了|左右前)/;
/** The agent's own waits and call-backs are commitments, not rules. */
const commitmentContext = /稍等|请等|等一下|回电|回拨|给您打电话/;

const digitsOrNumeral = new RegExp(`\\d+(?:\\.\\d+)?|${chineseNumeral}`, 'g');

/** Every number in a Chinese text, in digits or Chinese numerals, as values. */
export function chineseNumbersIn(text: string): number[] {
  const values: number[] = [];
  for (const match of text.matchAll(digitsOrNumeral)) {
    const value = /^\d/.test(match[0]) ? Number(match[0]) : chineseNumberValue(match[0]);
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  return values;
}

/** Checkable figures of one Chinese sentence, in order; account-specific ones are left out. */
export function chinesePolicyFigures(sentence: string): PolicyFigure[] {
  const { claim, add, figures } = figureSpans(chineseNumbersIn);
  const aboutAccount = accountContext.test(sentence);
  const pricesAreRules = !aboutAccount && priceRuleContext.test(sentence);
  // Prices first: amounts not said as rules still occupy their span.
  for (const match of sentence.matchAll(pricePattern))
    if (pricesAreRules) add('price', match);
    else claim(match);
  for (const match of sentence.matchAll(percentagePattern))
    if (!aboutAccount) add('percentage', match);
    else claim(match);
  if (!commitmentContext.test(sentence))
    for (const match of sentence.matchAll(durationPattern)) {
      const end = (match.index ?? 0) + match[0].length;
      if (!durationNotRule.test(sentence.slice(end))) add('duration', match);
    }
  if (!aboutAccount) for (const match of sentence.matchAll(limitPattern)) add('limit', match);
  return figures();
}
