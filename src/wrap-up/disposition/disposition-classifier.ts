import { CuecardError } from '../../errors/cuecard-error.js';
import { SoftmaxRegression } from '../learning/softmax-regression.js';
import { TfidfVectorizer } from '../learning/tfidf.js';
import type { DispositionCodeSet } from './code-set.js';

export interface LabelledConversation {
  text: string;
  label: string;
  /** How much this example counts; agent corrections may weigh more than bulk imports. */
  weight?: number;
}

export interface DispositionSuggestion {
  code: string;
  confidence: number;
  alternatives: { code: string; confidence: number }[];
}

export interface DispositionClassifierOptions {
  /** Weight of a code's description and examples relative to one labelled conversation. */
  codeSetWeight?: number;
  epochs?: number;
}

/**
 * Suggests a wrap-up code from the conversation text: TF-IDF over word and character n-grams,
 * multinomial logistic regression. The code set's descriptions and examples are training data
 * too, so a tenant gets suggestions before labelling anything; confirmed or corrected
 * dispositions are added with `learn` and the model retrains.
 */
export class DispositionClassifier {
  private readonly examples: LabelledConversation[] = [];
  private model: { vectorizer: TfidfVectorizer; regression: SoftmaxRegression } | undefined;
  private readonly codes: string[];

  constructor(
    private readonly codeSet: DispositionCodeSet | undefined,
    private readonly options: DispositionClassifierOptions = {},
  ) {
    this.codes = codeSet ? codeSet.codes.map((entry) => entry.code) : [];
  }

  get exampleCount(): number {
    return this.examples.length;
  }

  /** Adds labelled conversations. With a code set, unknown labels are rejected. */
  add(examples: readonly LabelledConversation[]): void {
    for (const example of examples) {
      if (this.codeSet && !this.codes.includes(example.label)) {
        throw new CuecardError('validation_failed', `unknown disposition code "${example.label}"`, {
          field: 'label',
        });
      }
      this.examples.push(example);
    }
  }

  train(): void {
    const texts: string[] = [];
    const labels: string[] = [];
    const weights: number[] = [];
    for (const example of this.examples) {
      texts.push(example.text);
      labels.push(example.label);
      weights.push(example.weight ?? 1);
    }
    const codeSetWeight = this.options.codeSetWeight ?? 1;
    for (const entry of this.codeSet?.codes ?? []) {
      for (const text of [entry.description, ...entry.examples]) {
        if (text.trim() === '') continue;
        texts.push(text);
        labels.push(entry.code);
        weights.push(codeSetWeight);
      }
    }
    const classes = [...new Set([...this.codes, ...labels])].sort();
    if (classes.length < 2)
      throw new CuecardError('validation_failed', 'disposition training needs at least two codes');
    // Word 1-2 grams plus separate features for the opening (where the reason for contact is
    // stated) measured best in cross-validation; character n-grams added noise and cost.
    const vectorizer = new TfidfVectorizer({ wordNgrams: 2, charMax: 0, openingWords: 40 });
    const vectors = vectorizer.fit(texts);
    const regression = new SoftmaxRegression(classes, vectorizer.size);
    const classIndex = new Map(classes.map((code, i) => [code, i]));
    regression.train(
      vectors,
      labels.map((label) => classIndex.get(label)!),
      weights,
      { epochs: this.options.epochs ?? 60, learningRate: 8, l2: 0 },
    );
    this.model = { vectorizer, regression };
  }

  suggest(text: string): DispositionSuggestion {
    if (!this.model) this.train();
    const { vectorizer, regression } = this.model!;
    const probabilities = regression.probabilities(vectorizer.transform(text));
    const ranked = regression.classes
      .map((code, i) => ({ code, confidence: probabilities[i]! }))
      .sort((a, b) => b.confidence - a.confidence);
    const best = ranked[0]!;
    return { code: best.code, confidence: best.confidence, alternatives: ranked.slice(1, 4) };
  }

  /** An agent confirmed or corrected a suggestion: learn from it and retrain. */
  learn(example: LabelledConversation): void {
    this.add([{ ...example, weight: example.weight ?? 2 }]);
    this.train();
  }
}
