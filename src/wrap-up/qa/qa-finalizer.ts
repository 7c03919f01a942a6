import { scoreConversation, type QaResult } from './auto-qa.js';
import type { Scorecard } from './scorecard.js';
import { liveSentimentScores } from '../live-sentiment.js';
import { defineFinalizer } from '../../pipeline/analyzer.js';

export interface QaFinalizerOptions {
  /** The tenant's current scorecard (a fixed one in tests). */
  scorecardFor: (tenantId: string) => Scorecard | Promise<Scorecard>;
  /** Keeps the scores where reviewers' overrides can refer to them. */
  onScored?: (tenantId: string, conversationId: string, result: QaResult) => Promise<void>;
  /** Texts of the articles shown during the conversation, for the "accurate information" check. */
  articleTexts?: (tenantId: string, articleIds: readonly string[]) => Promise<string[]>;
  /**
   * The code the agent confirmed, read when QA runs. The agent can confirm while the wrap-up is
   * still running (the console shows the code as soon as the disposition step is published), after
   * the conversation record this run started with was read; without this QA would score the
   * criterion N/A and the confirmation's rescoring would find no QA result yet to update.
   */
  chosenDisposition?: (tenantId: string, conversationId: string) => Promise<string | null>;
}

/**
 * Scores the conversation against the tenant's scorecard. Runs after `disposition`, whose
 * suggestion it compares with the code the agent chose (conversation metadata `disposition`).
 */
export function createQaFinalizer(options: QaFinalizerOptions | Scorecard) {
  const { scorecardFor, onScored, articleTexts, chosenDisposition } =
    'scorecardFor' in options
      ? options
      : {
          scorecardFor: () => options,
          onScored: undefined,
          articleTexts: undefined,
          chosenDisposition: undefined,
        };
  return defineFinalizer({
    name: 'qa',
    languages: ['en', 'zh'], // scorecard cues
    reads: ['disposition'],
    readsLive: ['sentiment', 'article-cards'],
    async finalize(context) {
      const suggestion = context.previous.disposition;
      const chosen =
        (await chosenDisposition?.(context.tenantId, context.conversation.id)) ??
        context.conversation.metadata.disposition;
      // The cards the agent was shown, from the live article-cards results.
      const shown = Object.values(context.analyses).flatMap((byAnalyzer) => {
        const suggested = byAnalyzer['article-cards']?.suggested;
        return suggested ? [suggested] : [];
      });
      const articles =
        shown.length > 0 && articleTexts ? await articleTexts(context.tenantId, shown) : [];
      const result = scoreConversation(await scorecardFor(context.tenantId), {
        transcript: context.transcript,
        articles,
        sentiment: liveSentimentScores(context.analyses),
        disposition: {
          chosen: typeof chosen === 'string' ? chosen : null,
          suggested: suggestion?.suggested ?? null,
          confidence: suggestion?.confidence ?? 0,
        },
      });
      await onScored?.(context.tenantId, context.conversation.id, result);
      return { result };
    },
  });
}
