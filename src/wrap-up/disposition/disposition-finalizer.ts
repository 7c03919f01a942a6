import type { DispositionService } from './disposition-service.js';
import { dispositionText } from './disposition-service.js';
import type { Finalizer } from '../../pipeline/analyzer.js';

/** Suggests the wrap-up code when a conversation ends; the agent confirms or corrects it. */
export function createDispositionFinalizer(
  dispositions: Pick<DispositionService, 'suggest'>,
): Finalizer {
  return {
    name: 'disposition',
    async finalize(context) {
      const text = dispositionText(context.transcript);
      if (text.trim() === '') return null;
      const suggestion = await dispositions.suggest(context.tenantId, text);
      return {
        result: {
          suggested: suggestion.code,
          confidence: suggestion.confidence,
          alternatives: suggestion.alternatives,
        },
      };
    },
  };
}
