import {
  combineChurnRisk,
  conversationSignals,
  type ConversationSignals,
} from './conversation-risk.js';
import type { RiskReason } from './tabular-model.js';

export interface ChurnResult {
  risk: number;
  /** The customer-attribute model's risk before this conversation; null without a model. */
  baseRisk: number | null;
  reasons: RiskReason[];
  signals: ConversationSignals;
}
import type { ChurnService } from './churn-service.js';
import { liveSentimentScores } from '../live-sentiment.js';
import { defineFinalizer } from '../../pipeline/analyzer.js';

/**
 * Churn risk at the end of a conversation, from its signals (cancel intent, competitors,
 * sentiment trajectory, outcome) on top of a base risk: the tenant's model applied to the
 * customer's attributes when it has one, else the base rate.
 */
export function createChurnFinalizer(options: { baseRisk?: ChurnService['baseRisk'] } = {}) {
  return defineFinalizer({
    name: 'churn',
    languages: ['en', 'zh'], // live sentiment (cancel and competitor cues: English only)
    reads: ['summary', 'repeat-contact'],
    readsLive: ['sentiment'],
    async finalize(context) {
      const sentiment = liveSentimentScores(context.analyses);
      const signals = conversationSignals(context.transcript, {
        outcome: context.previous.summary?.outcome,
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
  });
}
