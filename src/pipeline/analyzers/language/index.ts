export { createLanguageAnalyzer } from './language-analyzer.js';
export type {
  LanguageAnalyzerOptions,
  LanguageAnalyzerResult,
  LanguageAnalyzerState,
} from './language-analyzer.js';
