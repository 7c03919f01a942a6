import { fileURLToPath } from 'node:url';
import { CuecardError } from '../../errors/cuecard-error.js';
import {
  createDeadlineWorker,
  type DeadlineWorker,
} from '../../providers/worker/deadline-worker.js';
import { redactPii, type RedactionResult, type RedactOptions } from './redact.js';

export interface PiiRedactorOptions {
  /**
   * Texts of at least this many characters are redacted in a worker thread. Below it redaction
   * costs well under a millisecond, less than the round trip to a thread.
   */
  offLoopFromChars: number;
  /** How long redacting one text in the thread may take; past it the text is refused. */
  deadlineMs: number;
  /**
   * What redacts in the thread: a module's export with the signature of `redactPii` (the default).
   * Tests put a deliberately slow one here.
   */
  implementation?: { modulePath: string; exportName: string };
}

const defaultImplementation = {
  modulePath: fileURLToPath(new URL('./redact.ts', import.meta.url)),
  exportName: 'redactPii',
};

/** `redactPii`, made safe for the event loop (see `createPiiRedactor`). */
export interface PiiRedactor {
  redact(text: string, options: RedactOptions): Promise<RedactionResult>;
  /** Ends the worker thread, if one was started. */
  close(): Promise<void>;
}

/**
 * Redaction that never stalls the service: a long text (a pasted chat message, up to the frame
 * limit) is redacted in a worker thread, so other connections are served meanwhile, and one that
 * takes longer than `deadlineMs` there is refused with `validation_failed` on `text`, never stored
 * unredacted. Redaction is linear in the text, so only an unforeseen slow case can reach the
 * deadline; the thread is the guarantee that even that case does not block the loop.
 */
export function createPiiRedactor(options: PiiRedactorOptions): PiiRedactor {
  let worker: DeadlineWorker<[string, RedactOptions], RedactionResult> | undefined;
  return {
    async redact(text, redactOptions) {
      if (redactOptions.mode === 'off' || text.length < options.offLoopFromChars) {
        return redactPii(text, redactOptions);
      }
      worker ??= createDeadlineWorker({
        ...(options.implementation ?? defaultImplementation),
        deadlineMs: options.deadlineMs,
        name: 'PII redaction',
      });
      const outcome = await worker.run(text, redactOptions);
      if (outcome.status === 'late') {
        throw new CuecardError(
          'validation_failed',
          `text could not be checked for personal data within ${options.deadlineMs} ms; ` +
            'send it as shorter messages',
          { field: 'text', details: { reason: 'payload_too_complex' } },
        );
      }
      return outcome.result;
    },
    async close() {
      await worker?.close();
    },
  };
}
