import type { ChatModel } from '../../providers/spec/chat-model.js';
import type { TextClassifier, TextClassification } from '../../providers/spec/text-classifier.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { labelWithChatModel } from '../llm/chat-labeler.js';
import { SENTIMENT_LABELS, type SentimentLabel, type SentimentScore } from './sentiment-model.js';

/**
 * Sentiment from a model a connected deployment brings: a transformers.js sentiment classifier
 * (CUECARD_SENTIMENT_MODEL) or the LLM (CUECARD_LLM_ANALYZERS=sentiment). The live analyzer
 * asks it first and falls back to the offline model when it fails or is slow.
 */
export interface ExternalSentiment {
  readonly source: 'transformers' | 'llm';
  score(
    text: string,
    context: readonly string[],
    signal: AbortSignal,
  ): Promise<SentimentScore & { promptVersion?: string }>;
}

export const sentimentPromptVersion = 'classify-sentiment.v1';

export function chatSentiment(chatModel: ChatModel): ExternalSentiment {
  return {
    source: 'llm',
    async score(text, context, signal) {
      const answer = await labelWithChatModel(chatModel, {
        promptVersion: sentimentPromptVersion,
        choices: SENTIMENT_LABELS.map((label) => ({ label })),
        text,
        context,
        signal,
      });
      const label = (answer.label ?? 'neutral') as SentimentLabel;
      // A model that gives no score still gives a direction and a confidence.
      const sign = label === 'positive' ? 1 : label === 'negative' ? -1 : 0;
      return {
        label,
        score: answer.score ?? sign * answer.confidence,
        promptVersion: sentimentPromptVersion,
      };
    },
  };
}

/**
 * Where a classifier's own label names sit on the negative..positive scale: names that say
 * negative/neutral/positive (any case, "NEG", "Positive"), star ratings ("1 star" … "5 stars"),
 * or bare LABEL_i of a 2-label (negative, positive) or 3-label (negative, neutral, positive)
 * model. A model with other labels is refused at start, naming them.
 */
export function polarityOfLabels(labels: readonly string[]): Map<string, number> {
  const polarity = new Map<string, number>();
  const unknown: string[] = [];
  for (const [index, raw] of labels.entries()) {
    const name = raw.toLowerCase();
    const stars = /^([1-5])\s*stars?$/.exec(name);
    const bare = /^label_(\d+)$/.exec(name);
    if (name.startsWith('neg')) polarity.set(raw, -1);
    else if (name.startsWith('neu')) polarity.set(raw, 0);
    else if (name.startsWith('pos')) polarity.set(raw, 1);
    else if (stars) polarity.set(raw, (Number(stars[1]) - 3) / 2);
    else if (bare && (labels.length === 2 || labels.length === 3) && Number(bare[1]) === index)
      polarity.set(raw, labels.length === 2 ? index * 2 - 1 : index - 1);
    else unknown.push(raw);
  }
  if (unknown.length > 0) {
    throw new CuecardError(
      'provider_unavailable',
      `CUECARD_SENTIMENT_MODEL: cannot tell the sentiment of the labels ${unknown.map((l) => `"${l}"`).join(', ')}. ` +
        'Use a model whose labels say negative/neutral/positive, star ratings, or LABEL_0..2.',
    );
  }
  return polarity;
}

/** Expected polarity as the score; the label is the side holding the most probability. */
export function sentimentFromClassification(
  classification: TextClassification,
  polarity: ReadonlyMap<string, number>,
): SentimentScore {
  const mass: Record<SentimentLabel, number> = { negative: 0, neutral: 0, positive: 0 };
  let score = 0;
  for (const { label, score: probability } of classification) {
    const value = polarity.get(label) ?? 0;
    score += probability * value;
    mass[value < 0 ? 'negative' : value > 0 ? 'positive' : 'neutral'] += probability;
  }
  const label = SENTIMENT_LABELS.reduce((best, next) => (mass[next] > mass[best] ? next : best));
  return { label, score: Math.max(-1, Math.min(1, score)) };
}

export function classifierSentiment(classifier: TextClassifier): ExternalSentiment {
  const polarity = polarityOfLabels(classifier.labels);
  return {
    source: 'transformers',
    async score(text, _context, signal) {
      const [classification] = await classifier.classify([text], { signal });
      if (!classification) {
        throw new CuecardError('provider_reply_invalid', 'The sentiment model gave no result.');
      }
      return sentimentFromClassification(classification, polarity);
    },
  };
}
