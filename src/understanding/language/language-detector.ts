/** Language identification of one utterance; synchronous once the model is loaded. */
export interface LanguageGuess {
  /** ISO 639-1 where one exists ('en', 'zh'), else the model's code; 'und' when nothing can be told. */
  language: string;
  /** 0..1; 0 for 'und'. */
  confidence: number;
}

export interface LanguageDetector {
  detect(text: string): LanguageGuess;
}

export const UNDETERMINED: LanguageGuess = Object.freeze({ language: 'und', confidence: 0 });
