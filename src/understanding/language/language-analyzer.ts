import { defineAnalyzer } from '../../pipeline/analyzer.js';
import type { LanguageDetector } from './index.js';

/** Persisted per conversation: evidence for each language seen so far. */
export interface LanguageAnalyzerState {
  /** Language → sum of (confidence × weight) over the utterances that named it. */
  evidence: Record<string, number>;
}

export interface LanguageAnalyzerResult {
  language: string;
  confidence: number;
  /** The dominant language of the conversation so far ('und' until something is known). */
  conversationLanguage: string;
}

export interface LanguageAnalyzerOptions {
  detector: LanguageDetector;
  /** Guesses below this confidence are reported but do not move the conversation language. */
  minConfidence?: number;
}

function isState(value: unknown): value is LanguageAnalyzerState {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LanguageAnalyzerState).evidence === 'object'
  );
}

export function createLanguageAnalyzer(options: LanguageAnalyzerOptions) {
  const minConfidence = options.minConfidence ?? 0.5;
  return defineAnalyzer({
    name: 'language',
    reads: [],
    async analyze(context) {
      const { item } = context;
      if (item.kind !== 'utterance') return null;
      const guess = options.detector.detect(item.text);
      const evidence = { ...(isState(context.state) ? context.state.evidence : {}) };
      if (guess.language !== 'und' && guess.confidence >= minConfidence) {
        // Longer utterances say more about the conversation than "ok" does; cap so one
        // long monologue cannot outvote everything else.
        const weight = Math.min(1, Math.max(0.2, item.text.length / 60));
        evidence[guess.language] = (evidence[guess.language] ?? 0) + guess.confidence * weight;
      }
      let conversationLanguage = context.conversation.language ?? 'und';
      let best = 0;
      for (const [language, score] of Object.entries(evidence)) {
        if (score > best) {
          best = score;
          conversationLanguage = language;
        }
      }
      const result: LanguageAnalyzerResult = {
        language: guess.language,
        confidence: Math.round(guess.confidence * 1000) / 1000,
        conversationLanguage,
      };
      const state: LanguageAnalyzerState = { evidence };
      return { result, state };
    },
  });
}
