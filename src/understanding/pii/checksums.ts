/**
 * Check digits of the identifiers the redactor recognises; they keep random numbers out.
 * The number checks read `length` characters of `source` from `from`, so that the redactor can
 * test every stretch of a long digit run without copying each one out (see `classifyDigits`).
 */

const isDigitCode = (code: number): boolean => code >= 48 && code <= 57;

export function passesLuhn(source: string, from = 0, length = source.length - from): boolean {
  let sum = 0;
  let double = false;
  for (let i = from + length - 1; i >= from; i--) {
    let d = source.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return length > 0 && sum % 10 === 0;
}

function twoDigits(source: string, at: number): number {
  return (source.charCodeAt(at) - 48) * 10 + source.charCodeAt(at + 1) - 48;
}

const cnIdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const cnIdCheck = '10X98765432';

/** GB 11643: 17 digits, then a check character (0-9 or X) computed mod 11. */
export function isChineseResidentId(
  source: string,
  from = 0,
  length = source.length - from,
): boolean {
  if (length !== 18 || from + length > source.length) return false;
  for (let i = 0; i < 17; i++) if (!isDigitCode(source.charCodeAt(from + i))) return false;
  // Digits 7-14 are the birth date: reject impossible months and days (first: it is cheaper, and
  // rules out most random runs).
  const month = twoDigits(source, from + 10);
  const day = twoDigits(source, from + 12);
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (source.charCodeAt(from + i) - 48) * cnIdWeights[i]!;
  return cnIdCheck[sum % 11] === source[from + 17]!.toUpperCase();
}

/** ISO 13616: move the first four characters to the end, letters to numbers, mod 97 must be 1. */
export function isIban(compact: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const chunk = code >= 65 ? String(code - 55) : char;
    for (const digit of chunk) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/** US SSN areas and groups that are never issued. */
export function isPlausibleSsn(source: string, from = 0, length = source.length - from): boolean {
  if (length !== 9 || from + length > source.length) return false;
  for (let i = from; i < from + 9; i++) if (!isDigitCode(source.charCodeAt(i))) return false;
  const digits = source.slice(from, from + 9);
  const area = digits.slice(0, 3);
  return (
    area !== '000' &&
    area !== '666' &&
    area[0] !== '9' &&
    digits.slice(3, 5) !== '00' &&
    digits.slice(5) !== '0000'
  );
}
