/**
 * Phrase matching shared by playbooks and alerts. Knowledge managers write plain phrases
 * ("speak to a manager", "退款") or patterns ("/sue|suing/"). Latin-script phrases match whole
 * words only, so "sue" does not fire on "issue"; Chinese has no spaces, so it matches anywhere.
 */
const compiled = new Map<string, RegExp>();
const hanPattern = /[\u3400-\u9fff]/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function phraseRegExp(phrase: string): RegExp {
  let pattern = compiled.get(phrase);
  if (!pattern) {
    if (phrase.length > 2 && phrase.startsWith('/') && phrase.endsWith('/')) {
      pattern = new RegExp(phrase.slice(1, -1), 'iu');
    } else if (hanPattern.test(phrase)) {
      pattern = new RegExp(escapeRegExp(phrase), 'iu');
    } else {
      const body = phrase.trim().split(/\s+/).map(escapeRegExp).join('\\s+');
      pattern = new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'iu');
    }
    compiled.set(phrase, pattern);
  }
  return pattern;
}

/** The first phrase found in the text, or undefined. */
export function findPhrase(text: string, phrases: readonly string[]): string | undefined {
  return phrases.find((phrase) => phraseRegExp(phrase).test(text));
}
