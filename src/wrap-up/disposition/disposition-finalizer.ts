import type { DispositionService } from './disposition-service.js';
import { dispositionText } from './disposition-service.js';
import { defineFinalizer } from '../../pipeline/analyzer.js';

export interface DispositionResult {
  /** The suggested wrap-up code; the agent confirms or corrects it. */
  suggested: string;
  confidence: number;
  alternatives: { code: string; confidence: number }[];
}

/** Suggests the wrap-up code when a conversation ends; the agent confirms or corrects it. */
export function createDispositionFinalizer(dispositions: Pick<DispositionService, 'suggest'>) {
  return defineFinalizer({
    name: 'disposition',
    languages: ['en', 'zh'], // the code set's examples
    reads: [],
    readsLive: [],
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
  });
}
