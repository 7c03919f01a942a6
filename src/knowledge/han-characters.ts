import type { QueryTerm } from './search-hits.js';
import { chineseFunctionWords as chineseStopWords } from '../text/chinese-stopwords.js';
import { CHINESE_DIGITS } from '../text/chinese-digits.js';

/**
 * Character fallback for Chinese keyword search (issue 18). Words split by jieba match only the
 * same word, but customers and articles name one thing with different words: 被扣了两次 and
 * 重复扣款, 退钱 and 退款, 住址 and 地址, 销户 and 注销. Chinese words are built from meaningful
 * characters, so articles are indexed by the characters of their Han words too, and a query word
 * the tenant's articles never use (or a one-character verb such as 扣, 退, 搬) is looked up by its
 * characters as well, at part of its weight. A known longer word is left alone: its own postings
 * are more precise than its characters'.
 */

/** CJK Unified Ideographs and Extension A: the characters jieba splits into words. */
const HAN_RANGE = '\u3400-\u4dbf\u4e00-\u9fff';
const hanWord = new RegExp(`^[${HAN_RANGE}]+$`);
const TITLE_TF_WEIGHT_SQL = (titleWeight: number) =>
  `CASE weight WHEN 'A' THEN ${titleWeight} ELSE 1 END`;

/**
 * Character postings are their own terms, `~扣` beside the word `扣`: the Postgres parser never
 * yields a lexeme starting with "~", and evidence through a character stays weaker than a word.
 */
export const characterTerm = (char: string) => `~${char}`;

/**
 * Postings of the Han characters of an article's words, from `tokens(id, tenant_id, lexeme,
 * weight)` (one row per lexeme position; title positions count `titleWeight` times).
 */
export function characterPostingsSql(tokens: string, titleWeight: number): string {
  return `SELECT id, tenant_id, '~' || ch AS term, sum(${TITLE_TF_WEIGHT_SQL(titleWeight)})::int AS tf
            FROM ${tokens}, regexp_split_to_table(lexeme, '') AS ch
           WHERE lexeme ~ '^[${HAN_RANGE}]+$'
           GROUP BY id, tenant_id, ch`;
}

/** Characters a query word may fall back to: no function words, no digits (they name no topic). */
function contentCharacters(word: string): string[] {
  return [...new Set(word)].filter(
    (char) => !chineseStopWords.has(char) && !(char in CHINESE_DIGITS) && char !== '十',
  );
}

/** Query words read by their characters too: Han words. */
function readsCharacters(term: string, df: ReadonlyMap<string, number>): boolean {
  if (!hanWord.test(term)) return false;
  // A one-character word (扣, 退, 搬) is read as part of the article's longer words (扣款, 退款,
  // 搬家); a longer word only when no article uses it.
  return (df.get(term) ?? 0) === 0;
}

/** The character terms whose statistics a query needs read. */
export function fallbackCandidates(terms: readonly QueryTerm[]): string[] {
  const chinese = terms.filter(({ term }) => hanWord.test(term));
  if (chinese.length === 0) return [];
  return [...new Set(chinese.flatMap(({ term }) => contentCharacters(term).map(characterTerm)))];
}

/**
 * A match through characters is weaker evidence than a match of the word: 扣 matches 扣款 and
 * 抵扣 alike. Characters count at this share of the word's weight.
 */
export const CHARACTER_CREDIT = 0.5;

/**
 * Adds the character terms of one-character words and of words no article contains (`df` 0),
 * sharing CHARACTER_CREDIT of the word's weight among the characters some article has. The word
 * stays: an unknown word is still an unmatched part of the query, so confidence (coverage) does
 * not rise because it was read by its characters; characters are `partOf` it and only add score.
 */
export function withCharacterFallback(
  terms: readonly QueryTerm[],
  df: ReadonlyMap<string, number>,
): QueryTerm[] {
  const fallback = new Map<string, QueryTerm>();
  for (const { term, weight } of terms) {
    if (!readsCharacters(term, df)) continue;
    const characters = contentCharacters(term)
      .map(characterTerm)
      .filter((char) => (df.get(char) ?? 0) > 0);
    for (const char of characters) {
      const share = (weight * CHARACTER_CREDIT) / characters.length;
      fallback.set(char, {
        term: char,
        weight: (fallback.get(char)?.weight ?? 0) + share,
        partOf: term,
      });
    }
  }
  return [...terms, ...fallback.values()];
}
