import { combineChurnRisk, conversationSignals } from './conversation-risk.js';
import type { ChurnService } from './churn-service.js';
import { liveSentimentScores } from '../live-sentiment.js';
import type { Finalizer } from '../../pipeline/analyzer.js';

/**
 * Churn risk at the end of a conversation, from its signals (cancel intent, competitors,
 * sentiment trajectory, outcome) on top of a base risk: the tenant's model applied to the
 * customer's attributes when it has one, else the base rate.
 */
export function createChurnFinalizer(
  options: { baseRisk?: ChurnService['baseRisk'] } = {},
): Finalizer {
  return {
    name: 'churn',
    async finalize(context) {
      const outcome = context.previous.summary?.outcome;
      const sentiment = liveSentimentScores(context.analyses);
      const signals = conversationSignals(context.transcript, {
        outcome: typeof outcome === 'string' ? outcome : undefined,
        repeatContact: context.previous['repeat-contact']?.repeatContact === true,
        sentimentOf: (seq) => sentiment[seq],
      });
      const base =
        (await options.baseRisk?.(context.tenantId, context.conversation.customerAttributes)) ??
        null;
      const { risk, reasons } = combineChurnRisk(base, signals);
      return {
        result: {
          risk: Math.round(risk * 1000) / 1000,
          baseRisk: base ? Math.round(base.risk * 1000) / 1000 : null,
          reasons,
          signals: { ...signals },
        },
      };
    },
  };
}
