import { CHINESE_DIGITS, SPOKEN_ONE } from '../../text/chinese-digits.js';

/**
 * Finds runs of digits in a transcript however they were written: numerals ("4111 1111"),
 * words as speech-to-text engines spell them ("four one one one", "double five",
 * "four thousand one hundred eleven"), and Chinese digits ("一三八", "幺" for one).
 * Each run is a list of groups (one spoken or written chunk each) with offsets in the text,
 * so the caller can test sub-runs when several numbers sit next to each other.
 */

export interface DigitGroup {
  digits: string;
  start: number;
  end: number;
}

export interface DigitRun {
  groups: DigitGroup[];
  /** Whether a "+" directly precedes the run (international phone numbers). */
  plus: boolean;
}

type TokenKind =
  | { kind: 'digit'; value: number; weak: boolean }
  | { kind: 'teen'; value: number }
  | { kind: 'tens'; value: number }
  | { kind: 'hundred' }
  | { kind: 'thousand' }
  | { kind: 'repeat'; times: number }
  | { kind: 'and' }
  | { kind: 'numeral'; digits: string };

type Token = TokenKind & { start: number; end: number };

const wordKinds = new Map<string, TokenKind>();
['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'].forEach(
  (word, value) => wordKinds.set(word, { kind: 'digit', value, weak: false }),
);
// "oh"/"o" are zero only between other digits ("five oh two"), never on their own.
wordKinds.set('oh', { kind: 'digit', value: 0, weak: true });
wordKinds.set('o', { kind: 'digit', value: 0, weak: true });
[
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
].forEach((word, i) => wordKinds.set(word, { kind: 'teen', value: 10 + i }));
['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'].forEach((word, i) =>
  wordKinds.set(word, { kind: 'tens', value: 20 + 10 * i }),
);
wordKinds.set('fourty', { kind: 'tens', value: 40 });
wordKinds.set('hundred', { kind: 'hundred' });
wordKinds.set('thousand', { kind: 'thousand' });
wordKinds.set('double', { kind: 'repeat', times: 2 });
wordKinds.set('triple', { kind: 'repeat', times: 3 });
wordKinds.set('and', { kind: 'and' });

const chineseDigits: Readonly<Record<string, number>> = { ...CHINESE_DIGITS, ...SPOKEN_ONE };

const tokenPattern = /[A-Za-z]+|\d+|[零〇一幺二两三四五六七八九]/g;
/** What may stand between two chunks of one number: spaces, dashes, dots, commas, brackets. */
const separatorPattern = /^[\s,.\-()]{0,3}$/;

/** Whether `text[from, to)` may stand between two chunks of one number; adjacent chunks may. */
function isSeparator(text: string, from: number, to: number): boolean {
  // Most tokens of a pasted run touch or stand far apart: no copy, no pattern for those.
  if (to === from) return true;
  if (to - from > 3) return false;
  // One space, as between spoken digits: no copy, no pattern.
  if (to - from === 1 && text.charCodeAt(from) === 32) return true;
  return separatorPattern.test(text.slice(from, to));
}

function tokenize(text: string): Array<Token | null> {
  const tokens: Array<Token | null> = [];
  for (const match of text.matchAll(tokenPattern)) {
    const raw = match[0];
    const start = match.index;
    const end = start + raw.length;
    const first = raw.charCodeAt(0);
    if (first >= 48 && first <= 57) {
      tokens.push({ kind: 'numeral', digits: raw, start, end });
    } else if (raw.length === 1 && raw in chineseDigits) {
      tokens.push({ kind: 'digit', value: chineseDigits[raw]!, weak: false, start, end });
    } else {
      const kind = wordKinds.get(raw.toLowerCase());
      // A word that is not a number word still takes a slot: it breaks the run.
      tokens.push(kind ? { ...kind, start, end } : null);
    }
  }
  return tokens;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Reads "[tens] [unit] | teen | unit" below one hundred, returning value and tokens used. */
function readBelowHundred(tokens: Token[], k: number): { value: number; used: number } {
  const token = tokens[k];
  if (token?.kind === 'teen') return { value: token.value, used: 1 };
  if (token?.kind === 'tens') {
    const next = tokens[k + 1];
    if (next?.kind === 'digit' && next.value > 0 && !next.weak)
      return { value: token.value + next.value, used: 2 };
    return { value: token.value, used: 1 };
  }
  if (token?.kind === 'digit' && !token.weak) return { value: token.value, used: 1 };
  return { value: 0, used: 0 };
}

/** Turns the tokens of one run into digit groups; spoken cardinals become fixed-width chunks. */
function toGroups(tokens: Token[]): DigitGroup[] {
  const groups: DigitGroup[] = [];
  let i = 0;
  // No closures here: this runs once per digit run, and tsx (which runs the service) wraps each
  // closure it creates in a naming call.
  while (i < tokens.length) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    switch (token.kind) {
      case 'numeral':
        groups.push({ digits: token.digits, start: token.start, end: token.end });
        i++;
        break;
      case 'repeat': {
        if (next?.kind === 'digit') {
          groups.push({
            digits: String(next.value).repeat(token.times),
            start: token.start,
            end: next.end,
          });
          i += 2;
        } else i++;
        break;
      }
      case 'digit': {
        if (next?.kind === 'thousand' || next?.kind === 'hundred') {
          // A spoken cardinal: "four thousand [one hundred] [and] [eleven]".
          let value: number;
          let width = 3;
          let k = i;
          if (next.kind === 'thousand') {
            value = token.value * 1000;
            width = 4;
            k += 2;
            const hundreds = tokens[k];
            if (hundreds?.kind === 'digit' && tokens[k + 1]?.kind === 'hundred') {
              value += hundreds.value * 100;
              k += 2;
            }
          } else {
            value = token.value * 100;
            k += 2;
          }
          if (tokens[k]?.kind === 'and') k++;
          const rest = readBelowHundred(tokens, k);
          value += rest.value;
          k += rest.used;
          const last = tokens[k - 1]!;
          groups.push({ digits: pad(value, width), start: token.start, end: last.end });
          i = k;
        } else {
          groups.push({ digits: String(token.value), start: token.start, end: token.end });
          i++;
        }
        break;
      }
      case 'teen':
      case 'tens': {
        const part = readBelowHundred(tokens, i);
        groups.push({
          digits: pad(part.value, 2),
          start: token.start,
          end: tokens[i + part.used - 1]!.end,
        });
        i += part.used;
        break;
      }
      case 'hundred':
      case 'thousand':
      case 'and':
        // Stray scale words ("a hundred") carry no digits of their own.
        i++;
        break;
    }
  }
  return groups;
}

/** Whether the character at `index` is an ASCII letter (by code: reading it would copy it). */
function isAsciiLetterAt(text: string, index: number): boolean {
  // Reading outside the text would deoptimize the caller.
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index) | 0x20;
  return code >= 97 && code <= 122;
}

/** All digit runs of the text, in order. Runs glued to letters ("ORD-55231", "A1234") are ids, not numbers, and are left out. */
export function findDigitRuns(text: string): DigitRun[] {
  const tokens = tokenize(text);
  const runs: DigitRun[] = [];
  let current: Token[] = [];
  /** Where whitespace stands between two tokens of a run: a new word begins there. */
  const spacedBefore = (run: Token[], k: number): boolean =>
    /\s/.test(text.slice(run[k - 1]!.end, run[k]!.start));
  const emit = (run: Token[]): void => {
    // Weak zeros ("oh") at the edges of a run are ordinary words.
    let from = 0;
    let to = run.length;
    while (from < to && run[from]!.kind === 'digit' && (run[from] as { weak: boolean }).weak) {
      from++;
    }
    while (to > from) {
      const last = run[to - 1]!;
      if ((last.kind === 'digit' && last.weak) || last.kind === 'and') to--;
      else break;
    }
    if (to === from) return;
    if (from > 0 || to < run.length) run = run.slice(from, to);
    const first = run[0]!;
    const last = run[run.length - 1]!;
    // A trailing X is the check character of a Chinese resident id ("...1002X").
    const idCheck =
      last.kind === 'numeral' &&
      last.end < text.length &&
      (text.charCodeAt(last.end) | 0x20) === 120 &&
      !isAsciiLetterAt(text, last.end + 1);
    const trailingLetter = last.kind === 'numeral' && isAsciiLetterAt(text, last.end) && !idCheck;
    // "A1234", or "ORD-55231" / "ref_77" / "no#5" (a letter, then one of - _ #).
    const leadingLetter =
      first.kind === 'numeral' &&
      (isAsciiLetterAt(text, first.start - 1) ||
        (isAsciiLetterAt(text, first.start - 2) && '-_#'.includes(text[first.start - 1]!)));
    // The word glued to letters is an id ("A1234", "ORD-55231-7"), kept as it is; after a space,
    // the run is another word and may still be a number ("A1234 078 05 1120").
    if (leadingLetter) {
      let k = 1;
      while (k < run.length && !spacedBefore(run, k)) k++;
      if (k < run.length) emit(run.slice(k));
      return;
    }
    if (trailingLetter) {
      let k = run.length - 1;
      while (k > 0 && !spacedBefore(run, k)) k--;
      if (k > 0) emit(run.slice(0, k));
      return;
    }
    const groups = toGroups(run);
    const lastGroup = groups[groups.length - 1];
    if (idCheck && lastGroup) {
      lastGroup.digits += 'X';
      lastGroup.end += 1;
    }
    if (groups.length > 0) runs.push({ groups, plus: text[first.start - 1] === '+' });
  };
  const flush = (): void => {
    if (current.length > 0) emit(current);
    current = [];
  };
  for (const token of tokens) {
    if (token === null) {
      flush();
      continue;
    }
    const previous = current[current.length - 1];
    const joined =
      previous !== undefined &&
      isSeparator(text, previous.end, token.start) &&
      // "and" only continues a spoken cardinal ("one hundred and five").
      (token.kind !== 'and' || previous.kind === 'hundred' || previous.kind === 'thousand');
    if (!joined) flush();
    if (token.kind === 'and' && current.length === 0) continue;
    current.push(token);
  }
  flush();
  return runs;
}
