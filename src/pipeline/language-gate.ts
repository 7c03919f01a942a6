import type { LanguageSupport } from './analyzer.js';
import type { AnalyzerName, AnalyzerResults, UnsupportedLanguage } from './contract.js';
import { isUnsupportedLanguage } from './contract.js';

/**
 * The languages rule: a stage runs only on what is in a language it declares. Otherwise the
 * runner publishes `{ unsupported_language }` for it, so the consoles can say "not available in
 * Japanese" instead of showing output shaped for another language.
 */

/** The stage whose result says which language an item is in; it runs before any other. */
export const LANGUAGE_STAGE = 'language' satisfies AnalyzerName;

type LanguageResult = AnalyzerResults['language'];

/** 'zh-TW' → 'zh'. */
function baseLanguage(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0] ?? language;
}

/** Whether a stage declaring `languages` handles `language` ('und': nothing to judge, so yes). */
export function supports(languages: LanguageSupport, language: string): boolean {
  if (languages === 'any' || language === 'und') return true;
  const base = baseLanguage(language);
  return languages.some((supported) => baseLanguage(supported) === base);
}

/**
 * The language an item is analysed in, from the language analyzer's result on it: absent for
 * items it did not judge (agent actions, or no language stage listed), which every stage takes.
 */
export function itemLanguage(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const { analysisLanguage, language, conversationLanguage } = result as Partial<LanguageResult>;
  // Results stored before `analysisLanguage` existed: the conversation's language, else the item's.
  const chosen = analysisLanguage ?? conversationLanguage ?? language;
  return typeof chosen === 'string' ? chosen : undefined;
}

export function unsupportedLanguage(
  languages: readonly string[],
  language: string,
): UnsupportedLanguage {
  return { unsupported_language: { language, supported: languages } };
}

/**
 * Kept with the analyzers' states (one more row of `analyzer_state`, committed with them): the
 * language each analyzer was last announced unsupported in, until it publishes a result again.
 * Announced once per change, not on every item: a console keeps each analyzer's latest result,
 * so one notice stands until a real result replaces it, and a Japanese call of two hundred turns
 * does not write a notice per analyzer per turn. The key cannot clash with an analyzer name
 * (analyzer names are kebab-case words).
 */
export const NOTICES_STATE = 'pipeline:unsupported-language';

export type LanguageNotices = Readonly<Record<string, string>>;

export function readNotices(state: unknown): LanguageNotices {
  if (typeof state !== 'object' || state === null) return {};
  return Object.fromEntries(
    Object.entries(state).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/**
 * The language a conversation's wrap-up is judged in, for one step: its utterances' languages
 * (as the language analyzer named them), undetermined ones left out. A step runs when at least
 * half of the judged utterances are in languages it handles; a mixed English/Chinese call is
 * read whole by a step that handles both, and a step that handles only one still runs when that
 * one is the majority, reading the other turns as it reads any words it does not know. Turns are
 * not removed: QA would then miss what the agent did, and summaries would lose their context.
 * Returns the main unsupported language when the step should not run, else undefined.
 */
export function unsupportedConversationLanguage(
  languages: LanguageSupport,
  analyses: Readonly<Record<number, Readonly<Record<string, unknown>>>>,
): string | undefined {
  if (languages === 'any') return undefined;
  const unsupported = new Map<string, number>();
  let supported = 0;
  for (const byAnalyzer of Object.values(analyses)) {
    const language = itemLanguage(byAnalyzer[LANGUAGE_STAGE]);
    if (language === undefined || language === 'und') continue;
    if (supports(languages, language)) supported++;
    else
      unsupported.set(baseLanguage(language), (unsupported.get(baseLanguage(language)) ?? 0) + 1);
  }
  const against = [...unsupported.values()].reduce((sum, count) => sum + count, 0);
  if (against <= supported) return undefined;
  return [...unsupported.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
}

export { isUnsupportedLanguage };
