import { describe, expect, it } from 'vitest';
import { CuecardError } from '../../errors/cuecard-error.js';
import { assertSafeInput, findUnsafeInput, freeformObject, maxInputDepth } from './safe-input.js';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

describe('findUnsafeInput', () => {
  it('accepts ordinary text, emoji (paired surrogates) and scalars', () => {
    expect(findUnsafeInput({ text: 'héllo 😀 你好', n: 3, ok: true, none: null })).toBeNull();
  });

  it('names the field holding a NUL, however deep, also in arrays', () => {
    expect(findUnsafeInput({ text: 'a\u0000b' })?.field).toBe('text');
    expect(findUnsafeInput({ metadata: { tags: ['ok', 'x\u0000'] } })?.field).toBe(
      'metadata.tags.1',
    );
  });

  it('finds unpaired surrogates, high or low, but not pairs', () => {
    expect(findUnsafeInput({ text: 'a\uD800' })?.problem).toMatch(/surrogate/);
    expect(findUnsafeInput({ text: '\uDC00a' })?.problem).toMatch(/surrogate/);
    expect(findUnsafeInput({ text: '\uD83D\uDE00' })).toBeNull();
  });

  it('checks object keys too (jsonb cannot store a NUL key either)', () => {
    expect(findUnsafeInput({ metadata: { 'k\u0000': 1 } })).toMatchObject({
      field: 'metadata.k\u0000',
      problem: expect.stringMatching(/^key /),
    });
  });

  it('stops at the depth limit and names the top-level field, even 10,000 deep', () => {
    expect(findUnsafeInput({ metadata: nested(maxInputDepth - 2) })).toBeNull();
    expect(findUnsafeInput({ metadata: nested(10_000) })).toMatchObject({
      field: 'metadata',
      problem: expect.stringMatching(/nested deeper/),
    });
  });
});

describe('assertSafeInput', () => {
  it('throws validation_failed, not retryable, naming the field', () => {
    const thrown = (() => {
      try {
        assertSafeInput({ id: 'x\u0000' }, 'params');
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(CuecardError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'validation_failed', field: 'id', retryable: false });
  });

  it('names the part when the whole input is the bad string', () => {
    expect(() => assertSafeInput('\u0000', 'body')).toThrow(/^body contains a NUL/);
  });
});

describe('freeformObject', () => {
  const schema = freeformObject();

  it('accepts ordinary metadata', () => {
    expect(schema.safeParse({ crm: { id: 7, tags: ['vip'] } }).success).toBe(true);
  });

  it('refuses more than 8 levels and more than 200 keys', () => {
    expect(schema.safeParse(nested(8)).success).toBe(true);
    const deep = schema.safeParse(nested(9));
    expect(deep.error?.issues[0]?.message).toMatch(/deeper than 8/);
    const wide = schema.safeParse(
      Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, i])),
    );
    expect(wide.error?.issues[0]?.message).toMatch(/more than 200 keys/);
  });
});
