import { scoreConversation } from '../../wrap-up/qa/auto-qa.js';
import type { Scorecard } from '../../wrap-up/qa/scorecard.js';
import type { Finalizer } from '../analyzer.js';

/**
 * Scores the conversation against the tenant's scorecard. Runs after `disposition`, whose
 * suggestion it compares with the code the agent chose (conversation metadata `disposition`).
 */
export function createQaFinalizer(scorecard: Scorecard): Finalizer {
  return {
    name: 'qa',
    async finalize(context) {
      const suggestion = context.previous.disposition;
      const chosen = context.conversation.metadata.disposition;
      const result = scoreConversation(scorecard, {
        transcript: context.transcript,
        disposition: {
          chosen: typeof chosen === 'string' ? chosen : null,
          suggested: typeof suggestion?.suggested === 'string' ? suggestion.suggested : null,
          confidence: typeof suggestion?.confidence === 'number' ? suggestion.confidence : 0,
        },
      });
      return { result: { ...result } };
    },
  };
}
