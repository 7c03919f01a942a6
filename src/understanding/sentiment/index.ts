export { createSentimentModel, isSentimentLabel, SENTIMENT_LABELS } from './sentiment-model.js';
export type {
  ScoreOptions,
  SentimentExample,
  SentimentLabel,
  SentimentModel,
  SentimentModelOptions,
  SentimentScore,
} from './sentiment-model.js';
