import { defineAnalyzer, type AnalyzerContext } from '../../pipeline/analyzer.js';
import type { SentimentLabel, SentimentModel } from './index.js';
import type { ExternalSentiment } from './external-sentiment.js';
import { askWithinBudget } from '../llm/ask-within-budget.js';

export type TrendDirection = 'improving' | 'worsening' | 'steady';

/** Persisted per conversation. */
export interface SentimentAnalyzerState {
  /** Per speaker: how many utterances were scored and the sum of their scores. */
  speakers: Record<string, { count: number; sum: number }>;
  /** EWMA of the customer's scores; null before the customer spoke. */
  customerEwma: number | null;
  /** The last few EWMA values, oldest first, for the slope. */
  customerHistory: number[];
}

export interface SentimentAnalyzerResult {
  score: number;
  label: SentimentLabel;
  speaker: string;
  /** Running mean score per speaker. */
  averages: Record<string, number>;
  customerTrend: { ewma: number; slope: number; direction: TrendDirection } | null;
  /** Who scored the turn: the offline model, or the configured transformers model / LLM. */
  source: 'offline' | ExternalSentiment['source'];
  promptVersion?: string;
  /** Why the configured model's answer was not used. */
  fallbackReason?: string;
}

export interface SentimentAnalyzerOptions {
  model: SentimentModel;
  /** Weight of the newest customer utterance in the moving average. */
  alpha?: number;
  /** How many customer turns back the slope looks. */
  slopeWindow?: number;
  /** |slope| below this is steady. */
  steadyBelow?: number;
  /**
   * Longest wait for the sentence encoder; past it the word lists score the utterance. Well
   * under the pipeline's analyzer timeout (2 s by default), so a busy embedding pool delays the
   * sentiment event a little instead of losing it.
   */
  encoderBudgetMs?: number;
  /** Asked first when configured; the offline model answers when it fails or is slow. */
  external?: ExternalSentiment | undefined;
  /** Longest wait for `external`. Default 1,500 ms. */
  externalBudgetMs?: number;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/**
 * The stored state comes back as JSON, maybe from an older version: each field is checked and a
 * malformed one starts afresh. A stored `speakers: null` used to throw on every later turn, and
 * a missing `customerEwma` turned the trend into NaN (stored and sent as null). Builds new objects:
 * the cached state is never changed in place, so a retried item does not count twice.
 */
function readState(value: unknown): SentimentAnalyzerState {
  const raw: Partial<Record<keyof SentimentAnalyzerState, unknown>> =
    typeof value === 'object' && value !== null ? value : {};
  const speakers: SentimentAnalyzerState['speakers'] = {};
  if (typeof raw.speakers === 'object' && raw.speakers !== null) {
    for (const [speaker, totals] of Object.entries(raw.speakers as Record<string, unknown>)) {
      const { count, sum } = (totals ?? {}) as { count?: unknown; sum?: unknown };
      if (isFiniteNumber(count) && count > 0 && isFiniteNumber(sum))
        speakers[speaker] = { count, sum };
    }
  }
  return {
    speakers,
    customerEwma: isFiniteNumber(raw.customerEwma) ? raw.customerEwma : null,
    customerHistory: Array.isArray(raw.customerHistory)
      ? raw.customerHistory.filter(isFiniteNumber)
      : [],
  };
}

/** The language analyzer's verdict on this item, when it ran first. */
function languageOf(context: AnalyzerContext<'language'>): string | undefined {
  const result = context.previous.language;
  const language = result?.language;
  if (language && language !== 'und') return language;
  const conversation = result?.conversationLanguage;
  if (conversation && conversation !== 'und') return conversation;
  return context.conversation.language ?? undefined;
}

export function createSentimentAnalyzer(options: SentimentAnalyzerOptions) {
  const alpha = options.alpha ?? 0.4;
  const slopeWindow = options.slopeWindow ?? 3;
  const steadyBelow = options.steadyBelow ?? 0.05;
  const encoderBudgetMs = options.encoderBudgetMs ?? 500;
  return defineAnalyzer({
    name: 'sentiment',
    languages: ['en', 'zh'], // lexicons and seed sentences: English and Chinese
    reads: ['language'],
    // With a sentence encoder the text is embedded in a worker thread (the intent analyzer after
    // this one can then find the same text's vector in the pool's cache).
    ...(options.model.usesEmbeddings ? { cost: 'heavy' as const } : {}),
    async analyze(context) {
      const { item } = context;
      if (item.kind !== 'utterance' || item.text.trim() === '') return null;
      const external = options.external;
      const asked = external
        ? await askWithinBudget(
            context,
            options.externalBudgetMs ?? 1500,
            (turnsBefore, signal) => external.score(item.text, turnsBefore, signal),
            external.source === 'llm' ? 'llm' : 'model',
          )
        : null;
      const { score, label } =
        asked?.answer ??
        (await options.model.score(item.text, languageOf(context), {
          signal: context.signal,
          encoderBudgetMs,
        }));
      const state = readState(context.state);
      const totals = (state.speakers[item.speaker] ??= { count: 0, sum: 0 });
      totals.count++;
      totals.sum += score;
      if (item.speaker === 'customer') {
        state.customerEwma =
          state.customerEwma === null ? score : alpha * score + (1 - alpha) * state.customerEwma;
        state.customerHistory = [...state.customerHistory, state.customerEwma].slice(
          -(slopeWindow + 1),
        );
      }
      let customerTrend: SentimentAnalyzerResult['customerTrend'] = null;
      if (state.customerEwma !== null) {
        const history = state.customerHistory;
        // Change per customer turn over the window: the direction a supervisor cares about.
        const slope =
          history.length > 1
            ? (history[history.length - 1]! - history[0]!) / (history.length - 1)
            : 0;
        const direction: TrendDirection =
          Math.abs(slope) < steadyBelow ? 'steady' : slope > 0 ? 'improving' : 'worsening';
        customerTrend = { ewma: round(state.customerEwma), slope: round(slope), direction };
      }
      const averages = Object.fromEntries(
        Object.entries(state.speakers).map(([speaker, { count, sum }]) => [
          speaker,
          round(sum / count),
        ]),
      );
      const result: SentimentAnalyzerResult = {
        score: round(score),
        label,
        speaker: item.speaker,
        averages,
        customerTrend,
        source: asked?.answer ? options.external!.source : 'offline',
        ...(asked?.answer?.promptVersion ? { promptVersion: asked.answer.promptVersion } : {}),
        ...(asked?.fallbackReason ? { fallbackReason: asked.fallbackReason } : {}),
      };
      return { result, state };
    },
  });
}
