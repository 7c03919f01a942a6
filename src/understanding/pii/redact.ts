import { createHash } from 'node:crypto';
import { isChineseResidentId, isIban, isPlausibleSsn, passesLuhn } from './checksums.js';
import { findDigitRuns, type DigitGroup } from './number-runs.js';

/**
 * PII redaction on the ingest hot path: synchronous, regex and checksum based, no model.
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
}

export interface RedactOptions {
  mode: PiiMode;
  /** Salt of the hash tokens; per tenant, so tokens cannot be joined across tenants. */
  hashSalt?: string;
}

interface Candidate extends PiiFinding {
  /** What the hash token is computed from (e.g. digits only), so formatting does not matter. */
  normalized: string;
}

// ---------------------------------------------------------------------------------------------
// Context: what the speaker said just before a number decides what the number is.

type ContextKind = 'order' | 'card' | 'bank' | 'id' | 'phone';

const contextPatterns: Array<[ContextKind, RegExp]> = [
  [
    'order',
    /\b(?:orders?|ord|tickets?|case|reference|ref|confirmation|tracking|invoice|booking|reservation|claim|serial|sku|model|item|part|flight|receipt|transaction|shipment|package|parcel)\b|订单|单号|工单|快递|运单|编号|物流|型号|发票|流水/g,
  ],
  ['card', /\b(?:card|visa|mastercard|amex|credit|debit)\b|卡号|信用卡|银行卡|借记卡/g],
  [
    'bank',
    /\b(?:account|acct|routing|sort code|iban|bank|checking|savings)\b|账号|账户|帐号|帐户|开户/g,
  ],
  [
    'id',
    /\b(?:social|ssn|security number|national insurance|ni number|passport|driver'?s licen[cs]e|id number|identification)\b|身份证|证件|护照/g,
  ],
  [
    'phone',
    /\b(?:phone|cell|mobile|my number|call(?: me)?|reach(?: me)?|telephone|landline|fax|whatsapp|text me|contact)\b|电话|手机|(?<!单)号码|联系|致电|打给/g,
  ],
];

/** The context named closest before `start` (within a short window), if any. */
function contextBefore(text: string, start: number): ContextKind | null {
  const window = text.slice(Math.max(0, start - 48), start).toLowerCase();
  let best: ContextKind | null = null;
  let bestIndex = -1;
  for (const [kind, pattern] of contextPatterns) {
    pattern.lastIndex = 0;
    for (const match of window.matchAll(pattern)) {
      const end = match.index + match[0].length;
      if (end > bestIndex) {
        bestIndex = end;
        best = kind;
      }
    }
  }
  return best;
}

const currencyBefore = /(?:[$€£¥￥]|\b(?:usd|rmb|eur|gbp))\s?$/i;
const currencyAfter =
  /^\s?(?:元|块|角|美元|欧元|英镑|dollars?|bucks|cents?|pounds?|euros?|usd|rmb|%|percent)/i;

// ---------------------------------------------------------------------------------------------
// Numbers.

function classifyDigits(
  text: string,
  start: number,
  end: number,
  digits: string,
  plus: boolean,
): PiiType | null {
  const n = digits.length;
  if (n < 6 || n > 20) return null;
  if (currencyBefore.test(text.slice(Math.max(0, start - 5), start))) return null;
  if (currencyAfter.test(text.slice(end, end + 8))) return null;
  const context = contextBefore(text, start);
  // An agent must be able to read back order and case numbers, whatever their shape.
  if (context === 'order') return null;
  if (n === 18 && isChineseResidentId(digits)) return 'national_id';
  if (!/^\d+$/.test(digits)) return null;
  if (n >= 13 && n <= 19 && passesLuhn(digits)) return 'card_number';
  const raw = text.slice(start, end);
  if (
    n === 9 &&
    isPlausibleSsn(digits) &&
    (context === 'id' || /^\d{3}[-\s]\d{2}[-\s]\d{4}$/.test(raw))
  ) {
    return 'national_id';
  }
  if (context === 'id') return 'national_id';
  // A card read with a slip of the tongue fails Luhn; the caller still said it was a card.
  if (context === 'card' && n >= 13 && n <= 19) return 'card_number';
  if (context === 'card' || context === 'bank') return 'bank_account';
  if (/^(?:86)?1[3-9]\d{9}$/.test(digits)) return 'phone'; // Chinese mobile
  if (plus && n >= 8 && n <= 15) return 'phone';
  if (/^1?[2-9]\d{2}[2-9]\d{6}$/.test(digits)) return 'phone'; // North American numbering plan
  if (/^0\d{2,3}[-\s]?\d{7,8}$/.test(raw) || /^07\d{9}$/.test(digits)) return 'phone'; // CN landline, UK mobile
  if (context === 'phone' && n >= 7 && n <= 15) return 'phone';
  return null;
}

/** The longest classifiable stretch of groups, then the same on what is left either side. */
function classifyGroups(text: string, groups: DigitGroup[], plus: boolean, out: Candidate[]): void {
  const maxGroups = 24;
  for (let size = Math.min(groups.length, maxGroups); size >= 1; size--) {
    for (let i = 0; i + size <= groups.length; i++) {
      let digits = '';
      for (let k = i; k < i + size; k++) digits += groups[k]!.digits;
      if (digits.length < 6 || digits.length > 20) continue;
      const start = groups[i]!.start;
      const end = groups[i + size - 1]!.end;
      const type = classifyDigits(text, start, end, digits, plus && i === 0);
      if (type) {
        // The "+" of an international number belongs to it.
        let from = plus && i === 0 && text[start - 1] === '+' ? start - 1 : start;
        if (text[from - 1] === '(' && text.slice(from, end).includes(')')) from--;
        out.push({ type, start: from, end, normalized: digits });
        classifyGroups(text, groups.slice(0, i), plus, out);
        classifyGroups(text, groups.slice(i + size), false, out);
        return;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Patterns with their own shape.

const writtenEmail =
  /[A-Za-z0-9][A-Za-z0-9._%+-]*\s?@\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const spokenEmail =
  /\b([a-z0-9]+(?:(?:\s+(?:dot|underscore|dash|hyphen)\s+|[._-])[a-z0-9]+)*)\s+at\s+([a-z0-9-]+(?:(?:\s+dot\s+|\.)[a-z0-9-]+)*(?:\s+dot\s+|\.)(?:com|net|org|edu|gov|co|io|cn|uk|us|ca|de|fr|info|biz|me|au|jp|in))\b/gi;

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
const han = '(?:(?![在是到址住我你他她的寄送请])[\\u4e00-\\u9fff])';
const cnNumber = '[0-9０-９一二三四五六七八九十百零〇]+';
const chineseAddress = new RegExp(
  `(?:${han}{1,8}?(?:省|自治区|市|区|县|镇|乡|街道))*${han}{1,10}?(?:路|街|大道|巷|弄|胡同)${cnNumber}号` +
    `(?:${cnNumber}(?:栋|幢|号楼|楼|单元|室|层))*`,
  'g',
);

function collectPatterns(text: string, out: Candidate[]): void {
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
    if (raw === raw.toUpperCase() || contextBefore(text, match.index) === 'id') {
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
  for (const match of text.matchAll(chineseAddress)) {
    out.push({
      type: 'address',
      start: match.index,
      end: match.index + match[0].length,
      normalized: match[0],
    });
  }
}

// ---------------------------------------------------------------------------------------------

/** Longest span wins an overlap; on a tie, the one found first (patterns before numbers). */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  const ranked = candidates
    .map((candidate, order) => ({ candidate, order }))
    .sort(
      (a, b) =>
        b.candidate.end - b.candidate.start - (a.candidate.end - a.candidate.start) ||
        a.order - b.order,
    );
  const kept: Candidate[] = [];
  for (const { candidate } of ranked) {
    if (kept.every((other) => candidate.end <= other.start || candidate.start >= other.end))
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

/** Finds personal data in one utterance and masks or hashes it; `off` returns the text as is. */
export function redactPii(text: string, options: RedactOptions): RedactionResult {
  if (options.mode === 'off' || text.length === 0) return { text, findings: [] };
  const candidates: Candidate[] = [];
  collectPatterns(text, candidates);
  // Cheap gate: no digit, digit word or Chinese digit means no number can be PII.
  if (
    /[0-9零〇一幺二两三四五六七八九]|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)\b/i.test(
      text,
    )
  ) {
    for (const run of findDigitRuns(text)) classifyGroups(text, run.groups, run.plus, candidates);
  }
  const kept = resolveOverlaps(candidates);
  let redacted = '';
  let cursor = 0;
  for (const candidate of kept) {
    redacted += text.slice(cursor, candidate.start) + tokenFor(candidate, options);
    cursor = candidate.end;
  }
  redacted += text.slice(cursor);
  return { text: redacted, findings: kept.map(({ type, start, end }) => ({ type, start, end })) };
}
