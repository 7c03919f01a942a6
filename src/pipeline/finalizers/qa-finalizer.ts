import { scoreConversation, type QaResult } from '../../wrap-up/qa/auto-qa.js';
import type { Scorecard } from '../../wrap-up/qa/scorecard.js';
import type { Finalizer } from '../analyzer.js';

export interface QaFinalizerOptions {
  /** The tenant's current scorecard (a fixed one in tests). */
  scorecardFor: (tenantId: string) => Scorecard | Promise<Scorecard>;
  /** Keeps the scores where reviewers' overrides can refer to them. */
  onScored?: (tenantId: string, conversationId: string, result: QaResult) => Promise<void>;
}

/**
 * Scores the conversation against the tenant's scorecard. Runs after `disposition`, whose
 * suggestion it compares with the code the agent chose (conversation metadata `disposition`).
 */
export function createQaFinalizer(options: QaFinalizerOptions | Scorecard): Finalizer {
  const { scorecardFor, onScored } =
    'scorecardFor' in options ? options : { scorecardFor: () => options, onScored: undefined };
  return {
    name: 'qa',
    async finalize(context) {
      const suggestion = context.previous.disposition;
      const chosen = context.conversation.metadata.disposition;
      const result = scoreConversation(await scorecardFor(context.tenantId), {
        transcript: context.transcript,
        disposition: {
          chosen: typeof chosen === 'string' ? chosen : null,
          suggested: typeof suggestion?.suggested === 'string' ? suggestion.suggested : null,
          confidence: typeof suggestion?.confidence === 'number' ? suggestion.confidence : 0,
        },
      });
      await onScored?.(context.tenantId, context.conversation.id, result);
      return { result: { ...result } };
    },
  };
}
