import { combineChurnRisk, conversationSignals } from '../../wrap-up/churn/conversation-risk.js';
import type { Finalizer } from '../analyzer.js';

/**
 * Churn risk at the end of a conversation, from its signals (cancel intent, competitors,
 * sentiment trajectory, outcome) on top of the base rate. A tenant-trained attribute model can
 * supply the base risk for known customers.
 */
export function createChurnFinalizer(
  options: {
    baseRisk?: (
      attributes: Record<string, unknown>,
    ) => {
      risk: number;
      reasons: { attribute: string; detail: string; contribution: number }[];
    } | null;
  } = {},
): Finalizer {
  return {
    name: 'churn',
    async finalize(context) {
      const outcome = context.previous.summary?.outcome;
      const signals = conversationSignals(context.transcript, {
        outcome: typeof outcome === 'string' ? outcome : undefined,
        repeatContact: context.previous['repeat-contact']?.repeatContact === true,
      });
      const base = options.baseRisk?.(context.conversation.customerAttributes) ?? null;
      const { risk, reasons } = combineChurnRisk(base, signals);
      return { result: { risk: Math.round(risk * 1000) / 1000, reasons, signals: { ...signals } } };
    },
  };
}
