import type { DispositionClassifier } from '../../wrap-up/disposition/disposition-classifier.js';
import type { Finalizer } from '../analyzer.js';

/** Suggests the wrap-up code when a conversation ends; the agent confirms or corrects it. */
export function createDispositionFinalizer(classifier: DispositionClassifier): Finalizer {
  return {
    name: 'disposition',
    async finalize(context) {
      const text = context.transcript.flatMap((item) => (item.kind === 'utterance' ? [item.text] : [])).join('\n');
      if (text.trim() === '') return null;
      const suggestion = classifier.suggest(text);
      return { result: { suggested: suggestion.code, confidence: suggestion.confidence, alternatives: suggestion.alternatives } };
    },
  };
}
