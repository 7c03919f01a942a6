import { defineAnalyzer, type AnalyzerContext } from '../../pipeline/analyzer.js';
import type { IntentClassifierCache, TrainedIntents } from './intent-classifier-cache.js';
import type { IntentPrediction } from './intent-classifier.js';
import type { ChatModel } from '../../providers/spec/chat-model.js';
import { labelWithChatModel } from '../llm/chat-labeler.js';
import { askWithinBudget } from '../llm/ask-within-budget.js';
import { contentTokens } from '../../wrap-up/text/text.js';
import { redactionTokenPattern } from '../pii/redact.js';

/**
 * Detects the intent of each final customer turn, and the intent of the conversation so far:
 * a recency-weighted sum of the turns' intent probabilities, kept in analyzer state. Turns that
 * fit no intent ("hello", "ok thanks") do not move the conversation intent.
 */
export interface IntentAnalyzerOptions {
  classifiers: Pick<IntentClassifierCache, 'get'>;
  /** Weight kept by earlier turns at each new matched turn. Default 0.7. */
  decay?: number;
  /**
   * Also asks an LLM for the turn's intent (CUECARD_LLM_ANALYZERS=intent). The trained model
   * answers first; the LLM's answer replaces it when it comes within `llmBudgetMs`, else the
   * trained model's answer stands (`source: 'offline'` with the reason).
   */
  chatModel?: ChatModel | undefined;
  llmBudgetMs?: number;
}

export const intentPromptVersion = 'classify-intent.v1';

export interface IntentAnalyzerState {
  /** Decayed sum of in-scope probabilities per intent. */
  scores: Record<string, number>;
  matchedTurns: number;
}

export interface IntentAnalysis {
  intent: string | null;
  /** How Chinese text names `intent` (taxonomy `label_zh`), when the taxonomy gives one. */
  labelZh?: string;
  confidence: number;
  ranked: { intent: string; score: number }[];
  conversation: { intent: string; confidence: number; turns: number; labelZh?: string } | null;
  taxonomyVersion: number | null;
  /** Who answered: the trained model, or the LLM (with its prompt version). */
  source: 'offline' | 'llm';
  promptVersion?: string;
  /** Why the LLM's answer was not used, when one was asked for. */
  fallbackReason?: string;
}

export function createIntentAnalyzer(options: IntentAnalyzerOptions) {
  const decay = options.decay ?? 0.7;
  return defineAnalyzer({
    name: 'intent',
    languages: ['en', 'zh'], // the default taxonomy's examples
    reads: [],
    // Embeds the text in a worker thread.
    cost: 'heavy',
    accepts: ['utterance'],
    async analyze(context) {
      const { item } = context;
      if (item.kind !== 'utterance' || item.speaker !== 'customer' || item.text.trim() === '')
        return null;
      const trained = await options.classifiers.get(context.tenantId);
      const local = await trained.classifier.predict(item.text, { signal: context.signal });
      const asked = options.chatModel
        ? await askChatModel(options.chatModel, trained, local, context, options.llmBudgetMs)
        : null;
      const prediction = asked?.prediction ?? local;
      const previous = readState(context.state);
      let state = previous;
      const weight = informativeness(item.text);
      if (prediction.intent !== null && weight > 0) {
        const scores: Record<string, number> = {};
        for (const [intent, score] of Object.entries(previous.scores)) {
          // Intents dropped by a retrain fade out like any other old evidence; a short answer
          // fades the older evidence only as much as it adds.
          const kept = score * (1 - (1 - decay) * weight);
          if (kept > 1e-4) scores[intent] = kept;
        }
        for (const { intent, score } of prediction.ranked)
          scores[intent] = (scores[intent] ?? 0) + score * weight;
        state = { scores, matchedTurns: previous.matchedTurns + 1 };
      }
      const labels = labelsOf(trained);
      const turnLabel = prediction.intent !== null ? labels.get(prediction.intent) : undefined;
      const conversation = conversationIntent(state);
      const conversationLabel = conversation ? labels.get(conversation.intent) : undefined;
      const result: IntentAnalysis = {
        intent: prediction.intent,
        ...(turnLabel ? { labelZh: turnLabel } : {}),
        confidence: round(prediction.confidence),
        ranked: prediction.ranked
          .slice(0, 3)
          .map(({ intent, score }) => ({ intent, score: round(score) })),
        conversation:
          conversation && conversationLabel
            ? { ...conversation, labelZh: conversationLabel }
            : conversation,
        taxonomyVersion: trained.version,
        source: asked?.prediction ? 'llm' : 'offline',
        ...(asked?.prediction ? { promptVersion: intentPromptVersion } : {}),
        ...(asked?.fallbackReason ? { fallbackReason: asked.fallbackReason } : {}),
      };
      return { result, state };
    },
  });
}

/**
 * The LLM's label for the turn, with the taxonomy's descriptions and examples and the turns
 * before it as context. Its intent goes first in `ranked`; the trained model's others follow.
 */
async function askChatModel(
  chatModel: ChatModel,
  trained: TrainedIntents,
  local: IntentPrediction,
  context: AnalyzerContext,
  budgetMs = 1500,
): Promise<{ prediction?: IntentPrediction; fallbackReason?: string }> {
  const asked = await askWithinBudget(context, budgetMs, (turnsBefore, signal) =>
    labelWithChatModel(chatModel, {
      promptVersion: intentPromptVersion,
      choices: trained.taxonomy.intents.map((intent) => ({
        label: intent.name,
        description: intent.description,
        examples: intent.examples,
      })),
      text: context.item.kind === 'utterance' ? context.item.text : '',
      context: turnsBefore,
      signal,
    }),
  );
  const label = asked.answer;
  if (!label) return { fallbackReason: asked.fallbackReason! };
  const others = local.ranked.filter((entry) => entry.intent !== label.label);
  return {
    prediction: {
      intent: label.label,
      confidence: label.confidence,
      ranked: label.label
        ? [{ intent: label.label, score: label.confidence }, ...others]
        : local.ranked,
    },
  };
}

/** The taxonomy's Chinese labels by intent name, built once per trained model. */
const labelCache = new WeakMap<TrainedIntents, Map<string, string>>();
function labelsOf(trained: TrainedIntents): Map<string, string> {
  let labels = labelCache.get(trained);
  if (!labels) {
    labels = new Map(
      trained.taxonomy.intents.flatMap((intent) =>
        intent.labelZh ? [[intent.name, intent.labelZh] as const] : [],
      ),
    );
    labelCache.set(trained, labels);
  }
  return labels;
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

/**
 * How much a turn says about why the customer called, 0..1. Answers to the agent's questions
 * ("It's [EMAIL]", "The username is tomek_b") read like account changes to a classifier, but they
 * say little about the contact: the conversation's intent follows turns that state a need.
 */
function informativeness(text: string): number {
  const plain = text.replace(redactionTokenPattern, ' ');
  const han = (plain.match(/[\u3400-\u9fff]/g) ?? []).length;
  const words = contentTokens(plain).length + han / 2;
  return Math.min(1, words / FULL_WEIGHT_WORDS);
}

/** Content words (or pairs of Han characters) at which a turn counts fully. */
const FULL_WEIGHT_WORDS = 6;

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
