import { describe, expect, it } from 'vitest';
import { prettyLogLine } from './pretty-log-stream.js';

describe('development log lines', () => {
  it('shows time, level, message and the fields, without pino bookkeeping', () => {
    const line = JSON.stringify({
      level: 40,
      time: Date.UTC(2026, 0, 2, 12, 3, 4, 512),
      pid: 7,
      hostname: 'box',
      msg: 'analyzer failed',
      conversationId: 'c_1',
      err: { code: 'timeout' },
    });
    expect(prettyLogLine(line, false)).toBe(
      '12:03:04.512 WARN  analyzer failed  conversationId=c_1 err={"code":"timeout"}\n',
    );
  });

  it('passes through what is not a JSON line', () => {
    expect(prettyLogLine('plain text', false)).toBe('plain text\n');
  });
});
