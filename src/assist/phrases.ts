/**
 * Phrase matching shared by playbooks and alerts. Knowledge managers write plain phrases
 * ("speak to a manager", "退款") or patterns ("/sue|suing/"). Latin-script phrases match whole
 * words only, so "sue" does not fire on "issue"; Chinese has no spaces, so it matches anywhere.
 * Chinese in traditional script is read as simplified on both sides (text and phrase), so one
 * list serves callers writing either.
 */
import { toSimplified } from '../text/chinese-script.js';

const compiled = new Map<string, RegExp>();
const hanPattern = /[\u3400-\u9fff]/;
// A letter or digit that would make a Latin phrase part of a longer word. Chinese characters are
// not: "打12315" and "我想cancel my plan" hold the phrase as a word of its own.
const wordChar = '(?:(?!\\p{Script=Han})[\\p{L}\\p{N}])';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function phraseRegExp(phrase: string): RegExp {
  let pattern = compiled.get(phrase);
  if (!pattern) {
    if (phrase.length > 2 && phrase.startsWith('/') && phrase.endsWith('/')) {
      pattern = new RegExp(toSimplified(phrase.slice(1, -1)), 'iu');
    } else if (hanPattern.test(phrase)) {
      pattern = new RegExp(escapeRegExp(toSimplified(phrase)), 'iu');
    } else {
      const body = phrase.trim().split(/\s+/).map(escapeRegExp).join('\\s+');
      pattern = new RegExp(`(?<!${wordChar})${body}(?!${wordChar})`, 'iu');
    }
    compiled.set(phrase, pattern);
  }
  return pattern;
}

/** The first phrase found in the text, or undefined. */
export function findPhrase(text: string, phrases: readonly string[]): string | undefined {
  return matchPhrase(text, phrases)?.phrase;
}

/**
 * The first phrase found and the words of the text it matched: what to quote back to the agent
 * when the phrase is a pattern ("/取消.{0,4}服务/") rather than plain words.
 */
export function matchPhrase(
  text: string,
  phrases: readonly string[],
): { phrase: string; matched: string } | undefined {
  // Same length as the original (one character for one), so match positions carry over.
  const readable = hanPattern.test(text) ? toSimplified(text) : text;
  for (const phrase of phrases) {
    const match = phraseRegExp(phrase).exec(readable);
    if (match) return { phrase, matched: text.slice(match.index, match.index + match[0].length) };
  }
  return undefined;
}
