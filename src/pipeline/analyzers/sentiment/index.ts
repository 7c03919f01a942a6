export { createSentimentAnalyzer } from './sentiment-analyzer.js';
export type {
  SentimentAnalyzerOptions,
  SentimentAnalyzerResult,
  SentimentAnalyzerState,
  TrendDirection,
} from './sentiment-analyzer.js';
