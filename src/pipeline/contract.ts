/**
 * The pipeline's contract: one registry from every analyzer and finalizer name to the result
 * (and state) it writes. Readers get these types through `AnalyzerContext.previous`,
 * `FinalizerContext.previous/analyses` and the `analysis` / `wrapup` events; the consoles import
 * the same types. A field one stage writes and another reads is checked by the compiler.
 *
 * Adding an analyzer: write it in its feature's folder with `defineAnalyzer`, export its result
 * type, add one line here, and list it in the composition root (`app/capabilities.ts`). The
 * conformance suite (`pipeline/conformance.test.ts`) then runs every stage check on it.
 */
import type {
  LanguageAnalyzerResult,
  LanguageAnalyzerState,
} from '../understanding/language/language-analyzer.js';
import type {
  SentimentAnalyzerResult,
  SentimentAnalyzerState,
} from '../understanding/sentiment/sentiment-analyzer.js';
import type {
  IntentAnalysis,
  IntentAnalyzerState,
} from '../understanding/intent/intent-analyzer.js';
import type {
  PlaybookAnalyzerState,
  PlaybookResult,
} from '../assist/playbooks/playbook-analyzer.js';
import type { AlertsResult } from '../assist/alerts/alerts-analyzer.js';
import type { AlertMemory } from '../assist/alerts/alert-rules.js';
import type {
  CustomerHealthResult,
  CustomerHealthState,
} from '../assist/customer-health/customer-health-analyzer.js';
import type {
  ArticleCardsResult,
  ArticleCardsState,
} from '../knowledge/article-cards/article-cards-analyzer.js';
import type { RepliesResult, RepliesState } from '../assist/replies/replies-analyzer.js';
import type { AnswersResult, AnswersState } from '../knowledge/answers/answers-analyzer.js';
import type {
  CaseIndexResult,
  SimilarCasesResult,
  SimilarCasesState,
} from '../knowledge/similar-cases/similar-cases-analyzer.js';
import type { SummaryResult } from '../wrap-up/summary/summary-finalizer.js';
import type { DispositionResult } from '../wrap-up/disposition/disposition-finalizer.js';
import type { FollowUpsResult } from '../wrap-up/followups/follow-ups-finalizer.js';
import type { RepeatContactResult } from '../wrap-up/repeat-contact/repeat-contact-finalizer.js';
import type { ChurnResult } from '../wrap-up/churn/churn-finalizer.js';
import type { QaResult } from '../wrap-up/qa/auto-qa.js';
import type { DisclosuresResult } from '../assist/alerts/alerts-analyzer.js';

/** Live analyzers: name → the result published as `{ type: 'analysis', analyzer, result }`. */
export interface AnalyzerResults {
  language: LanguageAnalyzerResult;
  sentiment: SentimentAnalyzerResult;
  intent: IntentAnalysis;
  playbook: PlaybookResult;
  alerts: AlertsResult;
  'customer-health': CustomerHealthResult;
  'article-cards': ArticleCardsResult;
  replies: RepliesResult;
  answers: AnswersResult;
  'similar-cases': SimilarCasesResult;
}

/** Live analyzers: name → what they keep per conversation between items. */
export interface AnalyzerStates {
  language: LanguageAnalyzerState;
  sentiment: SentimentAnalyzerState;
  intent: IntentAnalyzerState;
  playbook: PlaybookAnalyzerState;
  alerts: AlertMemory;
  'customer-health': CustomerHealthState;
  'article-cards': ArticleCardsState;
  replies: RepliesState;
  answers: AnswersState;
  'similar-cases': SimilarCasesState;
}

/** Wrap-up steps: name → the result published as `{ type: 'wrapup', step, result }` and stored. */
export interface FinalizerResults {
  summary: SummaryResult;
  disposition: DispositionResult;
  'follow-ups': FollowUpsResult;
  'repeat-contact': RepeatContactResult;
  churn: ChurnResult;
  qa: QaResult;
  disclosures: DisclosuresResult;
  'case-index': CaseIndexResult;
}

export type AnalyzerName = keyof AnalyzerResults;
export type FinalizerName = keyof FinalizerResults;

/**
 * What a stage says instead of its result when the item (or, for a wrap-up step, the
 * conversation) is in a language it does not handle: the consoles show "not available in
 * <language>" rather than output shaped for another language. Never a stage's input: `previous`
 * and `analyses` leave it out, and a wrap-up step's readers get nothing for it.
 */
export interface UnsupportedLanguage {
  unsupported_language: { language: string; supported: readonly string[] };
}

export function isUnsupportedLanguage(result: unknown): result is UnsupportedLanguage {
  return typeof result === 'object' && result !== null && 'unsupported_language' in result;
}

/** One `analysis` event per analyzer name, its result typed by the registry. */
export type AnalysisEventBody = {
  [N in AnalyzerName]: {
    type: 'analysis';
    analyzer: N;
    seq: number;
    result: AnalyzerResults[N] | UnsupportedLanguage;
  };
}[AnalyzerName];

/** An `analysis` event that carries the analyzer's result (what stages and reviews read back). */
export type AnalysisResultBody = {
  [N in AnalyzerName]: { type: 'analysis'; analyzer: N; seq: number; result: AnalyzerResults[N] };
}[AnalyzerName];

/** One `wrapup` event per step name. */
export type WrapupEventBody = {
  [N in FinalizerName]: {
    type: 'wrapup';
    step: N;
    result: FinalizerResults[N] | UnsupportedLanguage;
  };
}[FinalizerName];

/** The stored wrap-up of a conversation, by step (a step that failed or said nothing is absent). */
export type WrapupResults = { [N in FinalizerName]?: FinalizerResults[N] | UnsupportedLanguage };
