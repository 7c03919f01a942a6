import type { FinalizerResults, WrapupResults } from './types.js';

type StepName = keyof FinalizerResults;

/** The wrap-up steps that produced a result, each typed by its step. */
export type WrapupView = { [N in StepName]?: FinalizerResults[N] };

/** Steps that did not run for the conversation's language: step → language. */
export type UnavailableSteps = Partial<Record<StepName, string>>;

/**
 * Splits a stored or streamed wrap-up into the steps' results and the steps that said
 * `unsupported_language`, so the panels render results without checking each one for a notice.
 */
export function splitWrapup(wrapup: WrapupResults): {
  results: WrapupView;
  unavailable: UnavailableSteps;
} {
  const results: Record<string, unknown> = {};
  const unavailable: UnavailableSteps = {};
  for (const [step, result] of Object.entries(wrapup) as [StepName, WrapupResults[StepName]][]) {
    if (result && 'unsupported_language' in result)
      unavailable[step] = result.unsupported_language.language;
    else if (result) results[step] = result;
  }
  return { results: results as WrapupView, unavailable };
}

/**
 * An ISO time as a `datetime-local` input shows it (the agent's own time zone), and back. The
 * input has no zone, so the browser's is the one the agent means.
 */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): string | null {
  if (value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** What a saved action reads as next to its control. */
export type SaveState =
  | { state: 'idle' }
  | { state: 'saving' }
  | { state: 'saved'; detail: string }
  | { state: 'failed'; message: string };

export function failed(error: unknown, what: string): SaveState {
  return {
    state: 'failed',
    message: `${what} was not saved: ${error instanceof Error ? error.message : 'try again.'}`,
  };
}
