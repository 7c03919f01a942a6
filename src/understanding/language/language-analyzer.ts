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
  /**
   * The language the other stages treat this item as (the runner skips those that do not handle
   * it): the item's own when the detector is sure and the turn says enough, else the
   * conversation's. "ok" in an English call, "嗯" or "12345" never flip it.
   */
  analysisLanguage: string;
}

export interface LanguageAnalyzerOptions {
  detector: LanguageDetector;
  /** Guesses below this confidence are reported but do not move the conversation language. */
  minConfidence?: number;
}

/**
 * Enough to go on alone: a turn of at least three words, Chinese, Japanese and Korean characters
 * counting half a word each ("我要退款" is two). Measured on fastText lid.176: single words are
 * often wrong or unsure ("ja" → Finnish 0.93, "obrigado" → Portuguese 0.18); of 22 short turns
 * of three or four words in nine languages, 19 came out right, two unsure or undetermined (so the
 * conversation's language stands) and one wrong ("ja, dat klopt" → Low German 0.66). Chinese,
 * Japanese and Korean are told by their script.
 */
const MIN_WORDS_ALONE = 3;
const cjkCharacter = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/gu;

function wordsIn(text: string): number {
  const cjk = text.match(cjkCharacter)?.length ?? 0;
  const other = text.replace(cjkCharacter, ' ').match(/\p{L}+/gu)?.length ?? 0;
  return other + cjk / 2;
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
    languages: 'any', // detection tells the other stages which language an item is in
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
      const decisive =
        guess.language !== 'und' &&
        guess.confidence >= minConfidence &&
        wordsIn(item.text) >= MIN_WORDS_ALONE;
      const result: LanguageAnalyzerResult = {
        language: guess.language,
        confidence: Math.round(guess.confidence * 1000) / 1000,
        conversationLanguage,
        analysisLanguage: decisive ? guess.language : conversationLanguage,
      };
      const state: LanguageAnalyzerState = { evidence };
      return { result, state };
    },
  });
}
