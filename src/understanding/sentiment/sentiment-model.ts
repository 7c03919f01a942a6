import { CuecardError } from '../../errors/cuecard-error.js';
import { scoreEnglish, type LexiconScore } from './english-lexicon.js';
import { chineseWords, scoreChinese, warmUpChinese } from './chinese-lexicon.js';
import { FEATURE_BITS, featurize } from './features.js';
import { LogisticRegression, type SparseVector } from './logistic-regression.js';

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface SentimentScore {
  /** -1 (very negative) .. 1 (very positive). */
  score: number;
  label: SentimentLabel;
}

export interface SentimentExample {
  text: string;
  label: SentimentLabel;
  /** 'en', 'zh'...; guessed from the script when absent. */
  language?: string;
}

export interface ScoreOptions {
  /** Choose only among these labels (e.g. a binary negative/positive task). */
  labels?: readonly SentimentLabel[];
}

export interface SentimentModel {
  score(text: string, language?: string, options?: ScoreOptions): SentimentScore;
  /**
   * Learns from a tenant's labelled examples (replacing what was learnt before). Synchronous
   * and CPU-bound (about a second per few thousand examples): run it off the hot path.
   */
  fit(examples: readonly SentimentExample[]): void;
  /** Labels learnt by `fit`; empty while the model runs on the lexicons alone. */
  readonly trainedLabels: readonly SentimentLabel[];
}

export interface SentimentModelOptions {
  /** Lexicon-only: |score| below this is neutral. */
  neutralBand?: number;
}

const hanPattern = /[\u3400-\u4dbf\u4e00-\u9fff]/g;

/** Only English and Chinese have lexicons; other languages get the English path (emoji, names). */
function routeLanguage(text: string, language: string | undefined): 'en' | 'zh' {
  if (language !== undefined && language !== 'und')
    return language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  const han = text.match(hanPattern)?.length ?? 0;
  return han > 0 && han * 3 >= text.replace(/\s+/g, '').length ? 'zh' : 'en';
}

export function isSentimentLabel(value: string): value is SentimentLabel {
  return (SENTIMENT_LABELS as readonly string[]).includes(value);
}

export async function createSentimentModel(
  options: SentimentModelOptions = {},
): Promise<SentimentModel> {
  const neutralBand = options.neutralBand ?? 0.3;
  // The Chinese word splitter takes ~0.5 s to load; pay it now, not on the first utterance.
  warmUpChinese();
  let classifier: LogisticRegression | undefined;
  let labels: SentimentLabel[] = [];

  function analyse(
    text: string,
    language: string | undefined,
  ): { vector: () => SparseVector; lexicon: LexiconScore } {
    const route = routeLanguage(text, language);
    let words: string[] | undefined;
    const wordsOnce = (): string[] => (words ??= chineseWords(text));
    const lexicon = route === 'zh' ? scoreChinese(text, wordsOnce()) : scoreEnglish(text);
    return { lexicon, vector: () => featurize(text, route, lexicon, wordsOnce) };
  }

  function fromLexicon(score: number, allowed: readonly SentimentLabel[]): SentimentScore {
    const canNeutral = allowed.includes('neutral');
    let label: SentimentLabel;
    if (canNeutral && Math.abs(score) < neutralBand) label = 'neutral';
    else label = score < 0 ? 'negative' : 'positive';
    if (!allowed.includes(label)) label = allowed[0] ?? label;
    return { score, label };
  }

  return {
    get trainedLabels() {
      return labels;
    },
    score(text, language, scoreOptions = {}) {
      const allowed = scoreOptions.labels ?? SENTIMENT_LABELS;
      const { lexicon, vector } = analyse(text, language);
      if (!classifier) return fromLexicon(lexicon.score, allowed);
      const probabilities = classifier.predict(vector());
      let best = -1;
      let label: SentimentLabel | undefined;
      labels.forEach((candidate, c) => {
        if (allowed.includes(candidate) && probabilities[c]! > best) {
          best = probabilities[c]!;
          label = candidate;
        }
      });
      const positive = labels.indexOf('positive');
      const negative = labels.indexOf('negative');
      const score =
        (positive >= 0 ? probabilities[positive]! : 0) -
        (negative >= 0 ? probabilities[negative]! : 0);
      // A label the tenant never taught (e.g. neutral for a binary set) falls back to the lexicon.
      return label ? { score, label } : fromLexicon(lexicon.score, allowed);
    },
    fit(examples) {
      const seen = [...new Set(examples.map((example) => example.label))].sort();
      if (seen.length < 2) {
        throw new CuecardError(
          'validation_failed',
          `Sentiment training needs examples of at least two labels; got ${seen.join(', ') || 'none'}.`,
          {
            field: 'examples',
          },
        );
      }
      const next = new LogisticRegression(1 << FEATURE_BITS, seen.length);
      next.train(
        examples.map((example) => analyse(example.text, example.language).vector()),
        examples.map((example) => seen.indexOf(example.label)),
        { balanceClasses: true },
      );
      // Swap only when training succeeded, so a failed retrain keeps the old model serving.
      classifier = next;
      labels = seen;
    },
  };
}
