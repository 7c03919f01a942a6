import { describe, expect, it } from 'vitest';
import { CuecardError } from './cuecard-error.js';
import { databaseInputError } from './database-input-error.js';

function databaseError(code: string): Error {
  return Object.assign(new Error('refused'), { code });
}

describe('databaseInputError', () => {
  it.each(['22P05', '22021', '22003', '22P02', '22008', '54001'])(
    'turns SQLSTATE %s into a non-retryable validation_failed',
    (code) => {
      expect(databaseInputError(databaseError(code))).toMatchObject({
        code: 'validation_failed',
        retryable: false,
        httpStatus: 400,
        details: { sqlState: code },
      });
    },
  );

  it('looks through causes, including an internal CuecardError wrapping the driver error', () => {
    const wrapped = new CuecardError('internal', 'store failed', { cause: databaseError('22P05') });
    expect(databaseInputError(wrapped)?.code).toBe('validation_failed');
  });

  it('leaves faults of the server alone: connection loss, deadlocks, our own errors', () => {
    expect(databaseInputError(databaseError('ECONNRESET'))).toBeNull();
    expect(databaseInputError(databaseError('40P01'))).toBeNull();
    expect(databaseInputError(databaseError('08006'))).toBeNull();
    expect(databaseInputError(new CuecardError('not_found', 'gone'))).toBeNull();
    expect(databaseInputError('a string')).toBeNull();
  });
});
