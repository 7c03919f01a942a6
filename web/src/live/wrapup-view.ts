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
