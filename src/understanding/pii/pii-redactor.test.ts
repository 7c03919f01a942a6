import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createPiiRedactor, type PiiRedactor } from './pii-redactor.js';
import { redactPii } from './redact.js';
import { acceptedStallMs, slowRedactionMs } from './testing/slow-redact.js';

const slow = {
  modulePath: fileURLToPath(new URL('./testing/slow-redact.ts', import.meta.url)),
  exportName: 'redactPiiSlowly',
};

/** 64 KiB of what a chat customer can paste: Chinese numerals, cards, spoken digits. */
const pasted = '一二三四五六七八九零 card 4111 1111 1111 1111 five five five '
  .repeat(2_000)
  .slice(0, 65_536);

/** The longest the event loop was held while `work` ran, in ms. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  try {
    const result = await work();
    // A stall is recorded when the monitor's timer next runs: let it.
    await new Promise((resolve) => setTimeout(resolve, 30));
    return { result, stallMs: delay.max / 1e6 };
  } finally {
    delay.disable();
  }
}

describe('PII redactor', () => {
  let redactor: PiiRedactor | undefined;
  afterEach(async () => {
    await redactor?.close();
    redactor = undefined;
  });

  it('redacts a long text in a thread exactly as on the loop', async () => {
    redactor = createPiiRedactor({ offLoopFromChars: 4_096, deadlineMs: 30_000 });
    const options = { mode: 'hash' as const, hashSalt: 't1' };
    const result = await redactor.redact(pasted, options);
    expect(result).toEqual(redactPii(pasted, options));
    expect(result.text).not.toMatch(/4111/);
  });

  it('keeps the event loop free while a slow redaction computes in its thread', async () => {
    redactor = createPiiRedactor({
      offLoopFromChars: 4_096,
      deadlineMs: 30_000,
      implementation: slow,
    });
    // Thread start-up (loading the module) is not what is measured.
    await redactor.redact(pasted, { mode: 'mask' });
    const started = performance.now();
    const { result, stallMs } = await longestStall(() =>
      redactor!.redact(pasted, { mode: 'mask' }),
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(slowRedactionMs - 50);
    expect(result.text).not.toMatch(/4111/);
    // On the loop, this would have held it for the whole of `slowRedactionMs`. Generous: the
    // machine running the suite is shared.
    expect(stallMs).toBeLessThan(acceptedStallMs);
  });

  it('redacts short texts on the loop, without waiting for a thread', async () => {
    redactor = createPiiRedactor({
      offLoopFromChars: 4_096,
      deadlineMs: 30_000,
      implementation: slow,
    });
    const started = performance.now();
    const result = await redactor.redact('my card is 4111 1111 1111 1111', { mode: 'mask' });
    expect(result.text).toBe('my card is [CARD_NUMBER]');
    expect(performance.now() - started).toBeLessThan(slowRedactionMs);
  });

  it('refuses a text it cannot redact in time, naming the field, and redacts the next one', async () => {
    redactor = createPiiRedactor({
      offLoopFromChars: 4_096,
      deadlineMs: 300,
      implementation: slow,
    });
    await expect(redactor.redact(pasted, { mode: 'mask' })).rejects.toMatchObject({
      code: 'validation_failed',
      field: 'text',
      retryable: false,
      details: { reason: 'payload_too_complex' },
    });
    await redactor.close();
    redactor = createPiiRedactor({ offLoopFromChars: 4_096, deadlineMs: 30_000 });
    const next = await redactor.redact(pasted, { mode: 'mask' });
    expect(next.text).not.toMatch(/4111/);
  });
});
