import type { IntentAnalysis } from '../intent-analyzer.js';

/**
 * Test helper: an intent analyzer result in the exact shape the analyzer writes, for tests of
 * the analyzers that read it. The compiler keeps it in step with `IntentAnalysis`.
 */
export function intentAnalysis(intent: string, confidence: number): IntentAnalysis {
  return {
    intent,
    confidence,
    ranked: [{ intent, score: confidence }],
    conversation: { intent, confidence, turns: 1 },
    taxonomyVersion: 1,
    source: 'offline',
  };
}
