/**
 * Finds the figures in an agent's sentence that state a general rule (a refund timeline, a fee,
 * a discount, a limit) and so can be checked against knowledge articles. Figures read from the
 * customer's own account (the amount charged, card digits, the date of a payment) are facts of
 * that account: no article can contain them, so they are left out rather than failed.
 */

import { spelledNumber, spelledNumberValue } from '../text/number-words.js';
import { chineseNumbersIn, chinesePolicyFigures } from './chinese-policy-figures.js';
import { figureSpans } from './figure-spans.js';

export type PolicyFigureKind = 'duration' | 'percentage' | 'price' | 'limit';

export interface PolicyFigure {
  kind: PolicyFigureKind;
  /** The words as said, e.g. "5 to 7 business days". */
  text: string;
  /** The numbers in it, spelled-out ones included: [5, 7]. */
  values: number[];
}

const digitNumber = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const numberPattern = `(?:${digitNumber}|${spelledNumber})`;
const rangeJoin = String.raw`\s*(?:to|-|–|—|or|and)\s*`;

const durationPattern = new RegExp(
  String.raw`\b${numberPattern}(?:${rangeJoin}${numberPattern})?[\s-]*(?:full\s+)?(?:business\s+|working\s+|calendar\s+)?(?<unit>second|minute|hour|day|week|month|year|billing cycle|bill)s?\b`,
  'gi',
);
const percentagePattern = new RegExp(
  String.raw`\b${numberPattern}(?:${rangeJoin}${numberPattern})?\s*(?:%|percent\b|per\s+cent\b)`,
  'gi',
);
const pricePattern = new RegExp(
  String.raw`[$€£]\s?(?:${digitNumber})(?:${rangeJoin}[$€£]?\s?(?:${digitNumber}))?|\b(?:${digitNumber})\s*(?:dollars|euros|pounds|usd|eur|gbp)\b`,
  'gi',
);
const limitPattern = new RegExp(
  String.raw`\b(?:up to|at most|no more than|maximum of|max(?:imum)?|at least|minimum of|limit(?:ed)? (?:of|to))\s+${numberPattern}\b|\b${numberPattern}\s+(?:\w+\s+)?(?:per|a|each)\s+(?:account|customer|household|day|week|month|year)\b`,
  'gi',
);

/** The sentence is about this customer's transactions: amounts in it are read off the account. */
const accountContext = new RegExp(
  [
    String.raw`\byour (?:card|account|bill|statement|balance|invoice|order|payment|charges?|transactions?|refund|credit)\b`,
    String.raw`\bcard ending\b`,
    String.raw`\bending (?:in|with)\b`,
    String.raw`\bi (?:can )?see\b`,
    String.raw`\bi'?m seeing\b`,
    String.raw`\b(?:it|that|this|system|account|history|statement) shows?\b`,
    String.raw`\b(?:you were|you've been|you have been|you got) (?:charged|billed|refunded|credited)\b`,
    String.raw`\b(?:charges?|refund|credit|payment|balance|amount) of\b`,
    String.raw`\b(?:i'?m|i am|we'?re|we are) (?:now |just )?(?:issu|refund|credit|apply|process|add|send|waiv)ing\b`,
    String.raw`\b(?:i|we)(?:'ve| have)? (?:just |now )?(?:issued|refunded|credited|applied|processed|added|sent|waived)\b`,
    // The date of a specific past event ("on November 3rd", "on the 3rd", "on 11/03").
    String.raw`\bon (?:the )?(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d|\d{1,2}(?:st|nd|rd|th)\b|\d{1,2}/\d{1,2})`,
  ].join('|'),
  'i',
);
/** The customer's own plan price may be a promotion or a legacy price: a fact of the account. */
const ownPlan = /\byour (?:plan|subscription|package|bundle|contract)\b/i;
/** A price said as a rule: a fee, a plan price, a rate per period, a threshold. */
const priceRuleContext =
  /\b(?:fees?|costs?|prices?|priced|pricing|rates?|per|a (?:month|year|week|day)|monthly|annual(?:ly)?|yearly|plans? (?:is|are|costs?|starts?)|starts? at|up to|at most|no more than|maximum|minimum|over|under|above|below|more than|less than)\b/i;
/** Words right after a duration that make it account history or an offer, not a rule. */
const durationNotRule =
  /^[\s,]*(?:ago|left|remaining|overdue|late|old|free|off|of (?:free|credit|service)|credit|on us)\b/i;
/** Words right before a duration that make it account history or an offer, not a rule. */
const durationNotRuleBefore =
  /\b(?:offer(?: you)?|give you|giving you|(?:last|past|previous)|for the (?:last|past))\s*$/i;
/** The agent's own hold times and call-backs are commitments, not knowledge-base rules. */
const commitmentContext =
  /\b(?:give me|bear with me|hold (?:on|for)|one moment|call you back|get back to you)\b/i;

const hanPattern = /\p{Script=Han}/u;

/** Every number in a text, digits, spelled out or in Chinese numerals, as values. */
export function numbersIn(text: string): number[] {
  // Chinese text reads its digits and numerals; any English words in it still count.
  const values: number[] = hanPattern.test(text) ? chineseNumbersIn(text) : [];
  const pattern = hanPattern.test(text) ? spelledNumber : numberPattern;
  for (const match of text.matchAll(new RegExp(String.raw`\b${pattern}\b`, 'gi'))) {
    const value = numberValue(match[0]);
    if (value !== undefined) values.push(value);
  }
  return values;
}

function numberValue(token: string): number | undefined {
  return /^\d/.test(token) ? Number(token.replaceAll(',', '')) : spelledNumberValue(token);
}

/** Checkable figures of one sentence, in order; account-specific ones are left out. */
export function policyFigures(sentence: string): PolicyFigure[] {
  if (hanPattern.test(sentence)) return chinesePolicyFigures(sentence);
  const { claim, add, figures } = figureSpans(numbersIn);
  const aboutAccount = accountContext.test(sentence);

  // Prices first. Amounts that are not said as a rule still occupy their span, so their digits
  // are not read again as a duration or a limit.
  const pricesAreRules =
    !aboutAccount && !ownPlan.test(sentence) && priceRuleContext.test(sentence);
  for (const match of sentence.matchAll(pricePattern))
    if (pricesAreRules) add('price', match);
    else claim(match);
  for (const match of sentence.matchAll(percentagePattern))
    if (!aboutAccount) add('percentage', match);
    else claim(match);
  if (!commitmentContext.test(sentence))
    for (const match of sentence.matchAll(durationPattern)) {
      const unit = match.groups?.unit?.toLowerCase();
      const start = match.index ?? 0;
      if (unit === 'second' || unit === 'minute') continue;
      if (
        durationNotRule.test(sentence.slice(start + match[0].length)) ||
        durationNotRuleBefore.test(sentence.slice(0, start))
      )
        continue;
      add('duration', match);
    }
  if (!aboutAccount) for (const match of sentence.matchAll(limitPattern)) add('limit', match);
  return figures();
}
