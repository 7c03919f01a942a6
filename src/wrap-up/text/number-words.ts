/**
 * Numbers as speech-to-text often writes them ("five to seven business days", "twenty-one
 * days"): one pattern and one reader, shared by the follow-up dates and the QA figure check.
 */
const ones: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const tens: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const onesWords = Object.keys(ones).join('|');
const tensWords = Object.keys(tens).join('|');

/** Regular-expression source of a spelled-out number up to ninety-nine, or "hundred". */
export const spelledNumber = `(?:(?:${tensWords})(?:[-\\s](?:${onesWords}))?|${onesWords}|hundred)`;

/** The value of a spelled-out number matched by `spelledNumber`, e.g. "twenty-one" → 21. */
export function spelledNumberValue(token: string): number | undefined {
  const lower = token.toLowerCase();
  if (lower === 'hundred') return 100;
  const [head, tail] = lower.split(/[-\s]/);
  if (head === undefined) return undefined;
  if (head in tens) return tens[head]! + (tail !== undefined ? (ones[tail] ?? 0) : 0);
  return ones[head];
}
