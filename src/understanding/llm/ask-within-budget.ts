import type { AnalyzerContext } from '../../pipeline/analyzer.js';
import { llmFallbackReason } from './chat-labeler.js';

/**
 * Asks an outside model (an LLM, a transformers.js classifier) about the current turn with the
 * earlier turns as context, within a time budget of its own inside the analyzer's. Never throws:
 * a failure comes back as the `fallbackReason` the event reports, and the caller answers with
 * its offline model.
 */
export async function askWithinBudget<T>(
  context: AnalyzerContext,
  budgetMs: number,
  ask: (turnsBefore: string[], signal: AbortSignal) => Promise<T>,
  reasonPrefix: 'llm' | 'model' = 'llm',
): Promise<{ answer?: T; fallbackReason?: string }> {
  const turnsBefore = context.transcript.flatMap((turn) =>
    turn.kind === 'utterance' && turn.seq < context.item.seq
      ? [`${turn.speaker}: ${turn.text}`]
      : [],
  );
  const budget = AbortSignal.timeout(budgetMs);
  try {
    return { answer: await ask(turnsBefore, AbortSignal.any([context.signal, budget])) };
  } catch (error) {
    // Past our own budget it is a timeout, whatever the client made of the abort.
    const reason = budget.aborted ? 'llm_timeout' : llmFallbackReason(error);
    return { fallbackReason: reason.replace('llm_', `${reasonPrefix}_`) };
  }
}
