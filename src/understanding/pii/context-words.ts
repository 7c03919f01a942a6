/**
 * Context: what the speaker said just before a number decides what the number is ("card",
 * "order", "电话"…). Matched once over the whole utterance, then looked up per number, so that a
 * pasted run of thousands of numbers costs one pass plus a short lookup each, not a regular
 * expression pass over a window per number.
 */
export type ContextKind = 'order' | 'card' | 'bank' | 'id' | 'phone';

/** The context window: only what was said within this many characters before a number counts. */
const contextWindow = 48;

// Case-insensitive rather than a lower-cased copy of the text: lower-casing may change the length
// of a string ("İ"), which would shift every offset after it.
const contextPatterns: Array<[ContextKind, RegExp]> = [
  [
    'order',
    /\b(?:orders?|ord|tickets?|case|reference|ref|confirmation|tracking|invoice|booking|reservation|claim|serial|sku|model|item|part|flight|receipt|transaction|shipment|package|parcel)\b|订单|单号|工单|快递|运单|编号|物流|型号|发票|流水/gi,
  ],
  ['card', /\b(?:card|visa|mastercard|amex|credit|debit)\b|卡号|信用卡|银行卡|借记卡/gi],
  [
    'bank',
    /\b(?:account|acct|routing|sort code|iban|bank|checking|savings)\b|账号|账户|帐号|帐户|开户/gi,
  ],
  [
    'id',
    /\b(?:social|ssn|security number|national insurance|ni number|passport|driver'?s licen[cs]e|id number|identification)\b|身份证|证件|护照/gi,
  ],
  [
    'phone',
    /\b(?:phone|cell|mobile|my number|call(?: me)?|reach(?: me)?|telephone|landline|fax|whatsapp|text me|contact)\b|电话|手机|(?<!单)号码|联系|致电|打给/gi,
  ],
];

interface ContextMatch {
  start: number;
  end: number;
  kind: ContextKind;
  /** The pattern's place in `contextPatterns`: the earlier wins a tie on `end`. */
  rank: number;
}

/** The context named closest before an offset (within `contextWindow` characters), if any. */
export type ContextReader = (offset: number) => ContextKind | null;

/**
 * Words inside an address are not context: "a@ref.com | 001-01-0001" is no reference number. A
 * word is not read when the whitespace-delimited token it stands in holds an "@" or "/" before the
 * number (after it, in unspaced Chinese, is another sentence: "电话138…邮箱a@b.com").
 */
type AddressTest = (match: ContextMatch, offset: number) => boolean;

function addressTest(text: string): AddressTest {
  if (!/[@/]/.test(text)) return () => false;
  // marks[i]: how many "@" and "/" stand in text[0, i); tokenEnd[i]: where the token holding
  // text[i] ends. Read once, so that each test is two lookups whatever the length of the token.
  const marks = new Int32Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    marks[i + 1] = marks[i]! + (code === 64 || code === 47 ? 1 : 0);
  }
  const tokenStart = new Int32Array(text.length);
  const tokenEnd = new Int32Array(text.length);
  for (const token of text.matchAll(/\S+/g)) {
    const end = token.index + token[0].length;
    tokenStart.fill(token.index, token.index, end);
    tokenEnd.fill(end, token.index, end);
  }
  return (match, offset) => {
    const from = Math.max(tokenStart[match.start]!, offset - contextWindow);
    const to = Math.min(tokenEnd[match.end - 1]!, offset);
    return marks[to]! > marks[from]!;
  };
}

/**
 * Reads the context words of `text` once. `placeholders` matches what the redactor writes in place
 * of personal data ("[PHONE]"): a placeholder names what it replaced, not what follows, and
 * reading it as context would make redacting already-redacted text find more.
 */
export function createContextReader(text: string, placeholders: RegExp): ContextReader {
  const masked = text.replace(placeholders, (token) => ' '.repeat(token.length));
  const matches: ContextMatch[] = [];
  contextPatterns.forEach(([kind, pattern], rank) => {
    for (const match of masked.matchAll(pattern)) {
      matches.push({ start: match.index, end: match.index + match[0].length, kind, rank });
    }
  });
  matches.sort((a, b) => a.end - b.end || a.rank - b.rank);
  // Tokens are read with placeholders blanked, so that "[CARD_NUMBER]x/y" does not join its neighbours.
  const inAddress = addressTest(masked);
  return (offset) => {
    // The last match ending at or before `offset`.
    let low = 0;
    let high = matches.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (matches[middle]!.end <= offset) low = middle + 1;
      else high = middle;
    }
    // Walking back: the first match that lies wholly in the window ends last; on a tie on its end,
    // the lowest rank comes first in `matches`, so keep walking while the end is the same. At most
    // the matches that end in the window are read: a bounded number.
    let best: ContextMatch | undefined;
    for (let k = low - 1; k >= 0; k--) {
      const match = matches[k]!;
      if (match.end <= offset - contextWindow || (best && match.end < best.end)) break;
      if (match.start >= offset - contextWindow && !inAddress(match, offset)) best = match;
    }
    return best?.kind ?? null;
  };
}
