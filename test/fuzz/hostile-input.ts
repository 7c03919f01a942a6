import fc from 'fast-check';

/**
 * Generators of the input a hostile or broken client sends (issue 17): wrong types, numbers past
 * what storage holds, NUL bytes, lone surrogates, JSON nested 10,000 deep, long strings, garbage
 * percent-encoding. Shared by the REST and WebSocket fuzz tests.
 */

/** Stands for JSON nested 10,000 deep; {@link toJsonText} writes it (JSON.stringify cannot). */
export const deepMarker = '\u0001deep\u0001';
const deepJson = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;

/** JSON text of `value`, with every {@link deepMarker} string replaced by 10,000-deep JSON. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replaceAll(JSON.stringify(deepMarker), deepJson);
}

export const hostileNumber = fc.constantFrom(
  -1,
  0,
  0.5,
  -0.5,
  1e-7,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 63,
  -(2 ** 63),
  1e308,
  -1e308,
);

/** One UTF-16 code unit of any value, lone surrogates included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

export const hostileString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDC00y',
    '\uDBFF\uDBFF',
    '%00',
    '%',
    '../../etc/passwd',
    'null',
    '-1',
    '1.5',
    '1e309',
    '9223372036854775808',
    '2147483648',
    'NaN',
    'Infinity',
    '0x10',
    'true',
    '2026-13-45T99:99:99Z',
    "'; DROP TABLE tenants; --",
    '\u202Eevil',
    '🙂🙂',
    'a'.repeat(70_000),
    'c_00000000-0000-0000-0000-000000000000',
  ),
  fc.string({ unit: anyCodeUnit, maxLength: 24 }),
  fc.string({ maxLength: 24 }),
);

/** Any JSON value a schema does not expect, including the 10,000-deep marker. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  hostileString,
  fc.constantFrom<unknown>(null, true, false, [], {}, [[[]]], deepMarker, { $gt: '' }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/**
 * Percent-encodes `text` as UTF-8, lone surrogates included as the bytes a broken encoder emits
 * (ED A0 80), which is exactly what a server must not choke on.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out +=
        `%${(0xe0 | (unit >> 12)).toString(16)}%${(0x80 | ((unit >> 6) & 0x3f)).toString(16)}%${(0x80 | (unit & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}

/** A path segment or query value as it appears on the wire: encoded, or raw garbage escapes. */
export const hostileUrlText = fc.oneof(
  hostileString.map(percentEncode),
  hostileNumber.map(String),
  fc.constantFrom('%', '%G1', '%F0%9F', '%ED%A0%80', '%C0%80', '%2F', '%2e%2e', '%25', '%u0000'),
);
