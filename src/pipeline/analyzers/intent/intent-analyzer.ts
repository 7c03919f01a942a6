import type { Analyzer } from '../../analyzer.js';
import type { IntentClassifierCache } from '../../../understanding/intent/intent-classifier-cache.js';

/**
 * Detects the intent of each final customer turn, and the intent of the conversation so far:
 * a recency-weighted sum of the turns' intent probabilities, kept in analyzer state. Turns that
 * fit no intent ("hello", "ok thanks") do not move the conversation intent.
 */
export interface IntentAnalyzerOptions {
  classifiers: Pick<IntentClassifierCache, 'get'>;
  /** Weight kept by earlier turns at each new matched turn. Default 0.7. */
  decay?: number;
}

export interface IntentAnalyzerState {
  /** Decayed sum of in-scope probabilities per intent. */
  scores: Record<string, number>;
  matchedTurns: number;
}

export interface IntentAnalysis extends Record<string, unknown> {
  intent: string | null;
  confidence: number;
  ranked: { intent: string; score: number }[];
  conversation: { intent: string; confidence: number; turns: number } | null;
  taxonomyVersion: number | null;
}

export function createIntentAnalyzer(options: IntentAnalyzerOptions): Analyzer {
  const decay = options.decay ?? 0.7;
  return {
    name: 'intent',
    // Embeds the text in a worker thread.
    cost: 'heavy',
    accepts: ['utterance'],
    async analyze(context) {
      const { item } = context;
      if (item.kind !== 'utterance' || item.speaker !== 'customer' || item.text.trim() === '')
        return null;
      const trained = await options.classifiers.get(context.tenantId);
      const prediction = await trained.classifier.predict(item.text, { signal: context.signal });
      const previous = readState(context.state);
      let state = previous;
      if (prediction.intent !== null) {
        const scores: Record<string, number> = {};
        for (const [intent, score] of Object.entries(previous.scores)) {
          // Intents dropped by a retrain fade out like any other old evidence.
          if (score * decay > 1e-4) scores[intent] = score * decay;
        }
        for (const { intent, score } of prediction.ranked)
          scores[intent] = (scores[intent] ?? 0) + score;
        state = { scores, matchedTurns: previous.matchedTurns + 1 };
      }
      const result: IntentAnalysis = {
        intent: prediction.intent,
        confidence: round(prediction.confidence),
        ranked: prediction.ranked
          .slice(0, 3)
          .map(({ intent, score }) => ({ intent, score: round(score) })),
        conversation: conversationIntent(state),
        taxonomyVersion: trained.version,
      };
      return { result, state };
    },
  };
}

function conversationIntent(state: IntentAnalyzerState): IntentAnalysis['conversation'] {
  let best: string | null = null;
  let total = 0;
  for (const [intent, score] of Object.entries(state.scores)) {
    total += score;
    if (best === null || score > state.scores[best]!) best = intent;
  }
  if (best === null || total === 0) return null;
  return {
    intent: best,
    confidence: round(state.scores[best]! / total),
    turns: state.matchedTurns,
  };
}

/** State comes back from the database as JSON; anything unexpected starts afresh. */
function readState(raw: unknown): IntentAnalyzerState {
  if (typeof raw !== 'object' || raw === null) return { scores: {}, matchedTurns: 0 };
  const candidate = raw as Partial<IntentAnalyzerState>;
  const scores: Record<string, number> = {};
  if (typeof candidate.scores === 'object' && candidate.scores !== null) {
    for (const [intent, score] of Object.entries(candidate.scores)) {
      if (typeof score === 'number' && Number.isFinite(score)) scores[intent] = score;
    }
  }
  return {
    scores,
    matchedTurns: typeof candidate.matchedTurns === 'number' ? candidate.matchedTurns : 0,
  };
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
