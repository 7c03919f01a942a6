import { createHash } from 'node:crypto';
import { isChineseResidentId, isIban, isPlausibleSsn, passesLuhn } from './checksums.js';
import { findDigitRuns, type DigitGroup, type DigitRun } from './number-runs.js';
import { createContextReader, type ContextKind, type ContextReader } from './context-words.js';

export type { ContextKind } from './context-words.js';

/**
 * PII redaction on the ingest hot path: synchronous, regex and checksum based, no model, linear in
 * the text (long texts run in a worker thread with a deadline: `pii-redactor.ts`).
 * It runs before anything is stored, so it errs towards redacting numbers that look like
 * payment or identity data, and never redacts what agents need to read back: order and case
 * numbers, amounts, dates, times and short numbers.
 */
export type PiiMode = 'off' | 'mask' | 'hash';
export type PiiType =
  'card_number' | 'bank_account' | 'national_id' | 'phone' | 'email' | 'address';

export interface PiiFinding {
  type: PiiType;
  start: number;
  end: number;
}

export interface RedactionResult {
  text: string;
  /** Offsets in the original text, in order, never overlapping. */
  findings: PiiFinding[];
  /** How this utterance ended, for reading the same speaker's next one (`RedactOptions.previous`). */
  tail: UtteranceTail;
}

/**
 * How an utterance ended, so that a number the speaker continues in their next utterance ("my card
 * is 4111 1111" | "1111 1111 1111") is recognised there. It holds raw digits: keep it in memory
 * only, never store or log it.
 */
export interface UtteranceTail {
  /** The digit groups the utterance ended with (at most `maxGroupsPerNumber`, 20 digits); empty if none. */
  groups: readonly string[];
  /** Whether a "+" preceded the first of `groups`. */
  plus: boolean;
  /** What the speaker named just before those digits ("card", "phone"…). */
  context: ContextKind | null;
  /** The number placeholder the redacted utterance ended with, if it did. */
  placeholder: NumberPiiType | null;
}

export interface RedactOptions {
  mode: PiiMode;
  /** Salt of the hash tokens; per tenant, so tokens cannot be joined across tenants. */
  hashSalt?: string;
  /** The tail of the same speaker's previous final utterance in the conversation, if known. */
  previous?: UtteranceTail | null | undefined;
}

/** Personal data that is a number, and so may be continued in the next utterance. */
type NumberPiiType = Extract<PiiType, 'card_number' | 'bank_account' | 'national_id' | 'phone'>;
const numberPiiTypes: ReadonlySet<PiiType> = new Set<NumberPiiType>([
  'card_number',
  'bank_account',
  'national_id',
  'phone',
]);

export const emptyTail: UtteranceTail = Object.freeze({
  groups: Object.freeze([]),
  plus: false,
  context: null,
  placeholder: null,
});

interface Candidate extends PiiFinding {
  /** What the hash token is computed from (e.g. digits only), so formatting does not matter. */
  normalized: string;
}

// ---------------------------------------------------------------------------------------------
// Amounts: a number with a currency before or after it is money, never personal data.

const currencyBefore = /(?:[$€£¥￥]|\b(?:usd|rmb|eur|gbp))\s?$/i;
const currencyAfter =
  /^\s?(?:元|块|角|美元|欧元|英镑|dollars?|bucks|cents?|pounds?|euros?|usd|rmb|%|percent)/i;
// The characters a currency word or sign can end (before a number) or begin (after one) with:
// checked first, so that the patterns run only near a likely amount, not once per digit group.
// Character codes, not characters: reading a character of Chinese text makes a new string.
const codesOf = (chars: string) => new Set([...chars].map((char) => char.charCodeAt(0)));
const currencyLastChars = codesOf('$€£¥￥dbrpDBRP');
const currencyFirstChars = codesOf('元块角美欧英dbcpeur%DBCPEUR');

/** The character code at `index`, or -1 outside the text (reading outside deoptimizes the caller). */
const codeAt = (text: string, index: number): number =>
  index >= 0 && index < text.length ? text.charCodeAt(index) : -1;

/** Whether a currency stands just before `start` ("$ 40"). */
function isAmountStart(text: string, start: number): boolean {
  if (
    !currencyLastChars.has(codeAt(text, start - 1)) &&
    !currencyLastChars.has(codeAt(text, start - 2))
  )
    return false;
  return currencyBefore.test(text.slice(Math.max(0, start - 5), start));
}

/** Whether a currency or unit follows just after `end` ("40 dollars", "15%"). */
function isAmountEnd(text: string, end: number): boolean {
  if (!currencyFirstChars.has(codeAt(text, end)) && !currencyFirstChars.has(codeAt(text, end + 1)))
    return false;
  return currencyAfter.test(text.slice(end, end + 8));
}

// ---------------------------------------------------------------------------------------------
// Numbers.

/**
 * One stretch of a digit run to classify: `length` characters of `digits` from `from`, written in
 * the text from `rawStart` to `rawEnd`. Read in place, so that testing every stretch of a long run
 * copies nothing; `classifyGroups` reuses one object for all of them. A non-digit can only be the
 * last character of a run (the X check character of a Chinese resident id).
 */
interface DigitStretch {
  text: string;
  rawStart: number;
  rawEnd: number;
  digits: string;
  from: number;
  length: number;
  plus: boolean;
  context: ContextKind | null;
  /** Whether the stretch passes Luhn, when the caller kept count; computed here otherwise. */
  luhn?: boolean | undefined;
}

const ssnShape = /^\d{3}[-\s]\d{2}[-\s]\d{4}$/;
const chineseLandline = /^0\d{2,3}[-\s]?\d{7,8}$/;

// Plain functions, not closures in `classifyDigits`: it runs for every stretch of every run, and
// tsx (which runs the service) wraps each closure it creates in a naming call.
const digitOf = (stretch: DigitStretch, k: number): number =>
  stretch.digits.charCodeAt(stretch.from + k) - 48;
const rawOf = (stretch: DigitStretch): string =>
  stretch.text.slice(stretch.rawStart, stretch.rawEnd);

function classifyDigits(stretch: DigitStretch): PiiType | null {
  const { digits, from, length: n, context } = stretch;
  if (n < 6 || n > 20) return null;
  // Without a context word or a "+", only the shapes below can match: a Luhn-valid 13-19, an
  // 18-digit id, a 9-digit SSN written 3-2-4, a 10-13 digit phone. Checked first, because a pasted
  // run reaches here for every stretch of every start.
  if (
    context === null &&
    !stretch.plus &&
    (n < 9 || n > 13) &&
    n !== 18 &&
    stretch.luhn === false
  ) {
    return null;
  }
  if (n === 18 && isChineseResidentId(digits, from, n)) return 'national_id';
  const last = digitOf(stretch, n - 1);
  if (last < 0 || last > 9) return null;
  if (n >= 13 && n <= 19 && (stretch.luhn ?? passesLuhn(digits, from, n))) return 'card_number';
  if (
    n === 9 &&
    (context === 'id' ||
      (stretch.rawEnd - stretch.rawStart === 11 && ssnShape.test(rawOf(stretch)))) &&
    isPlausibleSsn(digits, from, n)
  ) {
    return 'national_id';
  }
  if (context === 'id') return 'national_id';
  // A card read with a slip of the tongue fails Luhn; the caller still said it was a card.
  if (context === 'card' && n >= 13 && n <= 19) return 'card_number';
  if (context === 'card' || context === 'bank') return 'bank_account';
  const first = digitOf(stretch, 0);
  // Chinese mobile: (86)1[3-9] and nine more digits.
  if (n === 11 && first === 1 && digitOf(stretch, 1) >= 3) return 'phone';
  if (
    n === 13 &&
    first === 8 &&
    digitOf(stretch, 1) === 6 &&
    digitOf(stretch, 2) === 1 &&
    digitOf(stretch, 3) >= 3
  ) {
    return 'phone';
  }
  if (stretch.plus && n >= 8 && n <= 15) return 'phone';
  // North American numbering plan: 1?[2-9]xx[2-9]xxxxxx.
  if (n === 10 && first >= 2 && digitOf(stretch, 3) >= 2) return 'phone';
  if (n === 11 && first === 1 && digitOf(stretch, 1) >= 2 && digitOf(stretch, 4) >= 2) {
    return 'phone';
  }
  // Chinese landline 0xx(x)-xxxxxxx(x), as written; UK mobile 07 and nine digits.
  if (n >= 10 && n <= 12 && first === 0) {
    if (chineseLandline.test(rawOf(stretch)) || (n === 11 && digitOf(stretch, 1) === 7)) {
      return 'phone';
    }
  }
  if (context === 'phone' && n >= 7 && n <= 15) return 'phone';
  return null;
}

/** Most groups one number can span: a card read digit by digit is 16-19 groups, nothing is longer. */
const maxGroupsPerNumber = 24;
/** What a number can be, numbered for `classifyGroups`' table (0 there is "nothing"). */
const numberTypeList: readonly NumberPiiType[] = [
  'card_number',
  'bank_account',
  'national_id',
  'phone',
];

/**
 * The longest classifiable stretch of groups wins, the earliest on a tie; then the same on what is
 * left either side. Done as one pass over every stretch of at most `maxGroupsPerNumber` groups and
 * 6-20 digits (a bounded number per group), then a greedy pick in (length, position) order, which
 * chooses exactly what choosing per side would: stretches on different sides never overlap. The
 * cost is linear in the run: each stretch is read in place (`DigitStretch`), what stands around a
 * group is read once, and the pick needs no sort (stretches are found in position order, and
 * bucketed by length).
 */
function classifyGroups(
  text: string,
  groups: DigitGroup[],
  plus: boolean,
  contextOf: ContextReader,
  out: Candidate[],
): void {
  const count = groups.length;
  let digits = '';
  for (const group of groups) digits += group.digits;
  // Most runs are a short number ("3 items", "路一"): nothing to classify, nothing to allocate.
  if (digits.length < 6) return;
  const offsets = new Int32Array(count + 1);
  groups.forEach((group, g) => (offsets[g + 1] = offsets[g]! + group.digits.length));
  // 0: not read yet, 1: an amount ends there, 2: none does.
  const amountEnds = new Uint8Array(count);
  const width = maxGroupsPerNumber + 1;
  // types[first * width + size]: 1 + index in `numberTypeList` of what that stretch is, or 0.
  const types = new Uint8Array(count * width);
  const firstsBySize: number[][] = Array.from({ length: width }, () => []);
  const stretch: DigitStretch = {
    text,
    rawStart: 0,
    rawEnd: 0,
    digits,
    from: 0,
    length: 0,
    plus: false,
    context: null,
    luhn: undefined,
  };
  for (let i = 0; i < count; i++) {
    const start = groups[i]!.start;
    if (isAmountStart(text, start)) continue;
    const context = contextOf(start);
    // An agent must be able to read back order and case numbers, whatever their shape.
    if (context === 'order') continue;
    stretch.rawStart = start;
    stretch.from = offsets[i]!;
    stretch.plus = plus && i === 0;
    stretch.context = context;
    // Luhn sums of the stretch so far, kept as it grows: one with the digits at odd places from
    // its start doubled, one with those at even places. Which one a length uses depends on
    // whether the length is odd (the last digit is never doubled).
    let oddDoubled = 0;
    let evenDoubled = 0;
    let read = offsets[i]!;
    for (let size = 1; size <= maxGroupsPerNumber && i + size <= count; size++) {
      const length = offsets[i + size]! - offsets[i]!;
      if (length > 20) break;
      for (; read < offsets[i + size]!; read++) {
        const digit = digits.charCodeAt(read) - 48;
        const doubled = digit > 4 ? 2 * digit - 9 : 2 * digit;
        if ((read - offsets[i]!) % 2 === 1) {
          oddDoubled += doubled;
          evenDoubled += digit;
        } else {
          oddDoubled += digit;
          evenDoubled += doubled;
        }
      }
      if (length < 6) continue;
      const last = i + size - 1;
      if (amountEnds[last] === 0) amountEnds[last] = isAmountEnd(text, groups[last]!.end) ? 1 : 2;
      if (amountEnds[last] === 1) continue;
      stretch.length = length;
      stretch.luhn = (length % 2 === 1 ? oddDoubled : evenDoubled) % 10 === 0;
      stretch.rawEnd = groups[i + size - 1]!.end;
      const type = classifyDigits(stretch);
      if (!type) continue;
      types[i * width + size] = 1 + numberTypeList.indexOf(type as NumberPiiType);
      firstsBySize[size]!.push(i);
    }
  }
  const taken = new Uint8Array(count);
  for (let size = maxGroupsPerNumber; size >= 1; size--) {
    for (const first of firstsBySize[size]!) {
      // Every stretch taken before is at least as long as this one, so one that overlaps it
      // covers its first or its last group.
      if (taken[first] || taken[first + size - 1]) continue;
      taken.fill(1, first, first + size);
      const type = numberTypeList[types[first * width + size]! - 1]!;
      const start = groups[first]!.start;
      const end = groups[first + size - 1]!.end;
      // The "+" of an international number belongs to it.
      let from = plus && first === 0 && text[start - 1] === '+' ? start - 1 : start;
      if (text[from - 1] === '(' && text.slice(from, end).includes(')')) from--;
      const normalized = digits.slice(offsets[first], offsets[first + size]);
      out.push({ type, start: from, end, normalized });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Patterns with their own shape.

// Every repetition is bounded (RFC 5321 limits: 64 characters before the @, 63 per domain label;
// a few labels) so that a pasted run of "a.a.a..." or "1-1-1..." costs a bounded number of steps
// per start position instead of re-reading the rest of the message from each one.
const writtenEmail =
  /[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}\s?@\s?[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g;
const spokenEmail =
  /\b([a-z0-9]{1,64}(?:(?:\s{1,3}(?:dot|underscore|dash|hyphen)\s{1,3}|[._-])[a-z0-9]{1,64}){0,8})\s{1,3}at\s{1,3}([a-z0-9-]{1,63}(?:(?:\s{1,3}dot\s{1,3}|\.)[a-z0-9-]{1,63}){0,8}(?:\s{1,3}dot\s{1,3}|\.)(?:com|net|org|edu|gov|co|io|cn|uk|us|ca|de|fr|info|biz|me|au|jp|in))\b/gi;

function normalizeEmail(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/\s+dot\s+/g, '.')
    .replace(/\s+underscore\s+/g, '_')
    .replace(/\s+(?:dash|hyphen)\s+/g, '-')
    .replace(/\s+at\s+/g, '@')
    .replace(/\s+/g, '');
}

const ibanLike = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const ukNationalInsurance = /\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/gi;

const streetSuffix =
  'street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|crescent|close';
// Words that end a would-be street name: "3 times a day", "2 hours on the road" are not addresses.
const notStreetWord =
  'and|or|the|a|an|to|of|in|on|at|for|my|your|is|are|was|it|this|that|with|from|by|more|than|items?|times?|minutes?|hours?|days?|weeks?|months?|years?|dollars?|people|of|per|off|each|every|down|up|out';
const englishAddress = new RegExp(
  `\\b\\d{1,6}[A-Za-z]?(?:\\s+(?:(?!(?:${notStreetWord}|${streetSuffix})\\b)[A-Za-z][A-Za-z'-]*|\\d{1,3}(?:st|nd|rd|th))){1,4}\\s+(?:${streetSuffix})\\b\\.?` +
    `(?:,?\\s*(?:apt|apartment|suite|ste|unit|#)\\.?\\s*[A-Za-z0-9-]+)?` +
    `(?:,\\s*[A-Za-z][A-Za-z .]{1,30},?\\s+[A-Za-z]{2}\\s+\\d{5}(?:-\\d{4})?)?`,
  'gi',
);

// Chinese: [province/city/district...] + road + number + 号 [+ building/unit/room]. Admin names
// may not contain the words that introduce an address ("我住在", "地址是"), which keeps them out.
// Written as a scan rather than one regular expression: admin units and road names are both runs
// of Han characters, and a pattern that let either take any of them split a pasted run of
// "北京市朝阳区..." in exponentially many ways (60 characters took half a second, 80 never ended).
// Here each "路…号" core is found once, and the admin part before it is parsed backwards within a
// bounded window.
const cnNumber = '[0-9０-９一二三四五六七八九十百零〇]';
const chineseAddressCore = new RegExp(
  `(?:路|街|大道|巷|弄|胡同)${cnNumber}{1,8}号(?:${cnNumber}{1,8}(?:栋|幢|号楼|楼|单元|室|层)){0,6}`,
  'g',
);
const addressStopChars = new Set('在是到址住我你他她的寄送请');
const adminSuffixChars = new Set('省市区县镇乡');
const maxRoadName = 10;
const maxAdminUnitBody = 8;
/** The longest stretch of province/city/district names read before a road name. */
const maxAdminPrefix = 64;

function isAddressHan(char: string | undefined): boolean {
  if (char === undefined || addressStopChars.has(char)) return false;
  const code = char.charCodeAt(0);
  return code >= 0x4e00 && code <= 0x9fff;
}

/** Lengths of the admin suffixes `text[..end)` ends with ("区", "自治区", "街道"), none if it ends with none. */
function adminSuffixBefore(text: string, end: number): number[] {
  const lengths: number[] = [];
  if (adminSuffixChars.has(text[end - 1] ?? '')) lengths.push(1);
  if (text.slice(end - 3, end) === '自治区') lengths.push(3);
  if (text.slice(end - 2, end) === '街道') lengths.push(2);
  return lengths;
}

function collectChineseAddresses(text: string, out: Candidate[]): void {
  let lastEnd = 0;
  for (const match of text.matchAll(chineseAddressCore)) {
    const suffixAt = match.index;
    // Leftmost start from which the Han text before the road suffix reads as admin units
    // (each 1-8 characters and a suffix) followed by a road name of 1-10 characters.
    const floor = Math.max(lastEnd, suffixAt - maxAdminPrefix);
    let runStart = suffixAt;
    while (runStart > floor && isAddressHan(text[runStart - 1])) runStart--;
    if (runStart === suffixAt) continue;
    const width = suffixAt - runStart;
    // reaches[k]: the text from runStart + k to the road suffix is units then a road name.
    const reaches = new Uint8Array(width + 1);
    let start = -1;
    for (let k = width - 1; k >= 0; k--) {
      if (width - k <= maxRoadName) reaches[k] = 1;
      else {
        const longestUnit = Math.min(width, k + maxAdminUnitBody + 3);
        for (let end = k + 2; end <= longestUnit && !reaches[k]; end++) {
          if (!reaches[end]) continue;
          for (const suffix of adminSuffixBefore(text, runStart + end)) {
            const body = end - k - suffix;
            if (body >= 1 && body <= maxAdminUnitBody) reaches[k] = 1;
          }
        }
      }
      if (reaches[k]) start = runStart + k;
    }
    if (start < 0) continue;
    const end = suffixAt + match[0].length;
    out.push({ type: 'address', start, end, normalized: text.slice(start, end) });
    lastEnd = end;
  }
}

function collectPatterns(text: string, contextOf: ContextReader, out: Candidate[]): void {
  for (const match of text.matchAll(writtenEmail)) {
    out.push({
      type: 'email',
      start: match.index,
      end: match.index + match[0].length,
      normalized: normalizeEmail(match[0]),
    });
  }
  for (const match of text.matchAll(spokenEmail)) {
    out.push({
      type: 'email',
      start: match.index,
      end: match.index + match[0].length,
      normalized: normalizeEmail(match[0]),
    });
  }
  for (const match of text.matchAll(ibanLike)) {
    // The pattern may run into a following capitalised word; shorten to the longest valid IBAN.
    let raw = match[0];
    while (raw.length >= 15) {
      const compact = raw.replace(/ /g, '');
      if (isIban(compact)) {
        out.push({
          type: 'bank_account',
          start: match.index,
          end: match.index + raw.length,
          normalized: compact,
        });
        break;
      }
      const cut = raw.lastIndexOf(' ');
      if (cut < 0) break;
      raw = raw.slice(0, cut);
    }
  }
  for (const match of text.matchAll(ukNationalInsurance)) {
    const raw = match[0];
    // Lower-case letter pairs ("is 12 34 56 a") are ordinary words unless the caller named the id.
    if (raw === raw.toUpperCase() || contextOf(match.index) === 'id') {
      out.push({
        type: 'national_id',
        start: match.index,
        end: match.index + raw.length,
        normalized: raw.replace(/ /g, '').toUpperCase(),
      });
    }
  }
  for (const match of text.matchAll(englishAddress)) {
    out.push({
      type: 'address',
      start: match.index,
      end: match.index + match[0].length,
      normalized: match[0].toLowerCase().replace(/\s+/g, ' '),
    });
  }
  collectChineseAddresses(text, out);
}

// ---------------------------------------------------------------------------------------------
// A number continued from the same speaker's previous utterance.

/** What may follow a number that ends an utterance: spaces and punctuation only. */
const onlyTrailingPunctuation = /^[\s.,!?;:…\-。，！？；：]*$/;
/** What may precede a number that starts an utterance: punctuation and at most one filler word. */
const leadIn =
  /^[\s.,;:…\-，]*(?:(?:and|then|uh|um|er|erm|so|okay|ok|yes|yeah)\b[\s.,;:…\-，]*)?$/i;
/** The longest lead-in `leadIn` can match; longer text before the first number is never one. */
const maxLeadIn = 16;
/** A previous utterance ending in a number placeholder continues into a run of this many digits. */
const minPlaceholderContinuation = 4;
const maxPlaceholderContinuation = 19;

/**
 * The number the utterance starts with when it continues the previous one. When `previous` ended
 * in a number placeholder: 4-19 leading digits, as that placeholder (the number was already known
 * to be personal data; its digits and context would make almost anything after it one). Otherwise:
 * the leading digit run, as far as together with the digits `previous` ended with it forms a number
 * the redactor would redact, the context named before the first half applying. At most
 * `maxGroupsPerNumber` groups either side, so this costs a bounded number of steps whatever the
 * text.
 */
function continuedNumber(
  text: string,
  runs: readonly DigitRun[],
  previous: UtteranceTail,
): Candidate | null {
  const lead = runs[0]?.groups;
  const firstStart = lead?.[0]?.start;
  if (!lead || firstStart === undefined) return null;
  if (firstStart > maxLeadIn || !leadIn.test(text.slice(0, firstStart))) return null;
  let combined: { size: number; type: PiiType; digits: string } | null = null;
  let alone: { size: number; digits: string } | null = null;
  let leadDigits = '';
  for (let size = 1; size <= Math.min(lead.length, maxGroupsPerNumber); size++) {
    leadDigits += lead[size - 1]!.digits;
    if (!/^\d+$/.test(leadDigits) || leadDigits.length > 20) break;
    const end = lead[size - 1]!.end;
    if (isAmountEnd(text, end)) continue;
    if (previous.placeholder) {
      if (
        leadDigits.length >= minPlaceholderContinuation &&
        leadDigits.length <= maxPlaceholderContinuation
      ) {
        alone = { size, digits: leadDigits };
      }
      continue;
    }
    let previousDigits = '';
    const leadGroups = lead.slice(0, size).map((group) => group.digits);
    for (
      let from = previous.groups.length - 1;
      from >= 0 && previous.groups.length - from + size <= maxGroupsPerNumber;
      from--
    ) {
      previousDigits = previous.groups[from]! + previousDigits;
      const digits = previousDigits + leadDigits;
      if (digits.length > 20) break;
      if (digits.length < 6 || (combined && combined.digits.length >= digits.length)) continue;
      // Read as the speaker grouped it, so "078 05" | "5141" has the shape of an SSN.
      const raw = [...previous.groups.slice(from), ...leadGroups].join(' ');
      const plus = previous.plus && from === 0;
      const type = classifyDigits({
        text: raw,
        rawStart: 0,
        rawEnd: raw.length,
        digits,
        from: 0,
        length: digits.length,
        plus,
        context: previous.context,
        luhn: undefined,
      });
      if (type) combined = { size, type, digits };
    }
  }
  const start = lead[0]!.start;
  if (combined) {
    const end = lead[combined.size - 1]!.end;
    return { type: combined.type, start, end, normalized: combined.digits };
  }
  if (previous.placeholder && alone) {
    const end = lead[alone.size - 1]!.end;
    return { type: previous.placeholder, start, end, normalized: alone.digits };
  }
  return null;
}

/** Keeps the last groups of a number: at most `maxGroupsPerNumber` of them and 20 digits. */
function lastGroups(groups: readonly string[]): { groups: string[]; whole: boolean } {
  const kept: string[] = [];
  let digits = 0;
  for (let i = groups.length - 1; i >= 0 && kept.length < maxGroupsPerNumber; i--) {
    digits += groups[i]!.length;
    if (digits > 20) break;
    kept.unshift(groups[i]!);
  }
  return { groups: kept, whole: kept.length === groups.length };
}

/** How the utterance ended: its trailing digit run (joined to `previous` if it is all there was). */
function tailOf(
  text: string,
  runs: readonly DigitRun[],
  kept: readonly Candidate[],
  previous: UtteranceTail | null,
  contextOf: ContextReader,
): UtteranceTail {
  const lastFinding = kept[kept.length - 1];
  const placeholder =
    lastFinding &&
    numberPiiTypes.has(lastFinding.type) &&
    onlyTrailingPunctuation.test(text.slice(lastFinding.end))
      ? (lastFinding.type as NumberPiiType)
      : null;
  const run = runs[runs.length - 1];
  const first = run?.groups[0];
  const last = run?.groups[run.groups.length - 1];
  if (!run || !first || !last || !onlyTrailingPunctuation.test(text.slice(last.end))) {
    return { ...emptyTail, placeholder };
  }
  const digits = run.groups.map((group) => group.digits);
  if (digits.some((group) => !/^\d+$/.test(group))) return { ...emptyTail, placeholder };
  if (isAmountStart(text, first.start)) {
    return { ...emptyTail, placeholder };
  }
  let context = contextOf(first.start);
  // An order or case number is read back, never redacted, so it is never the first half either.
  if (context === 'order') return { ...emptyTail, placeholder };
  let plus = run.plus;
  let groups = digits;
  // The whole utterance is one number ("1111" after "4111 1111"): the next may continue both.
  if (
    previous &&
    previous.groups.length > 0 &&
    run === runs[0] &&
    first.start <= maxLeadIn &&
    leadIn.test(text.slice(0, first.start))
  ) {
    groups = [...previous.groups, ...digits];
    context = context ?? previous.context;
    plus = previous.plus;
  }
  const trimmed = lastGroups(groups);
  return { groups: trimmed.groups, plus: plus && trimmed.whole, context, placeholder };
}

// ---------------------------------------------------------------------------------------------

/** Longest span wins an overlap; on a tie, the one found first (patterns before numbers). */
function resolveOverlaps(candidates: Candidate[], textLength: number): Candidate[] {
  const ranked = candidates
    .map((candidate, order) => ({ candidate, order }))
    .sort(
      (a, b) =>
        b.candidate.end - b.candidate.start - (a.candidate.end - a.candidate.start) ||
        a.order - b.order,
    );
  // Each pattern's matches never overlap one another, so marking covered characters costs at most
  // a few passes over the text, where comparing with every kept span grew with their square.
  const covered = new Uint8Array(textLength);
  const kept: Candidate[] = [];
  for (const { candidate } of ranked) {
    if (covered.subarray(candidate.start, candidate.end).includes(1)) continue;
    covered.fill(1, candidate.start, candidate.end);
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** What `tokenFor` writes in place of personal data: "[EMAIL]", or "[EMAIL:1a2b3c]" when hashed. */
export const redactionTokenPattern = /\[[A-Z][A-Z_]*(?::[0-9a-f]{6})?\]/g;

function tokenFor(candidate: Candidate, options: RedactOptions): string {
  const label = candidate.type.toUpperCase();
  if (options.mode !== 'hash') return `[${label}]`;
  const digest = createHash('sha256')
    .update(`${options.hashSalt ?? ''}\u0000${candidate.type}\u0000${candidate.normalized}`)
    .digest('hex');
  return `[${label}:${digest.slice(0, 6)}]`;
}

/**
 * Finds personal data in one utterance and masks or hashes it; `off` returns the text as is.
 * With `previous` (how the same speaker's previous final utterance ended), a number begun there
 * and continued here is redacted here too; the first half, already stored, is redacted only if it
 * looked like personal data on its own.
 */
export function redactPii(text: string, options: RedactOptions): RedactionResult {
  if (options.mode === 'off' || text.length === 0) return { text, findings: [], tail: emptyTail };
  const candidates: Candidate[] = [];
  let runs: DigitRun[] = [];
  // Cheap gate: no digit, digit word or Chinese digit means no number can be PII.
  if (
    /[0-9零〇一幺二两三四五六七八九]|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b/i.test(
      text,
    )
  ) {
    runs = findDigitRuns(text);
  }
  const previous = options.previous ?? null;
  // First, so that it wins a tie with what the utterance alone suggests.
  const continued =
    previous && (previous.groups.length > 0 || previous.placeholder)
      ? continuedNumber(text, runs, previous)
      : null;
  if (continued) candidates.push(continued);
  // Read only when something asks: most utterances hold no number.
  let reader: ContextReader | undefined;
  const contextOf: ContextReader = (offset) =>
    (reader ??= createContextReader(text, redactionTokenPattern))(offset);
  collectPatterns(text, contextOf, candidates);
  for (const run of runs) classifyGroups(text, run.groups, run.plus, contextOf, candidates);
  const kept = resolveOverlaps(candidates, text.length);
  let redacted = '';
  let cursor = 0;
  for (const candidate of kept) {
    redacted += text.slice(cursor, candidate.start) + tokenFor(candidate, options);
    cursor = candidate.end;
  }
  redacted += text.slice(cursor);
  return {
    text: redacted,
    findings: kept.map(({ type, start, end }) => ({ type, start, end })),
    tail: tailOf(text, runs, kept, previous, contextOf),
  };
}
