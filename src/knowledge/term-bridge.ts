import { readFileSync } from 'node:fs';
import type { Queryable } from '../stores/database.js';
import { SEARCH_CONFIG } from './search-text.js';
import type { QueryTerm } from './search-hits.js';
import { BACKGROUND } from './search-hits.js';

/**
 * The term bridge (knowledge/term-bridge.tsv, docs/decisions/0030): a customer on a Mandarin call
 * says "roaming" where the article says 漫游, 被扣 where it says 扣款, and the intent that names the
 * call's topic is English ("billing dispute"). Keyword search matches only the same word, and no
 * sentence encoder for Chinese runs offline, so each query word in a group of the bridge is also
 * looked up as the group's other words.
 */

/**
 * A word's translation is the same word for the search (credit 1): "roaming" said on a Mandarin
 * call is 漫游. A synonym in the same language is evidence of the meaning, not the word (扣费 for
 * 被扣): part of its weight, like a character (han-characters.ts).
 */
export const TRANSLATION_CREDIT = 1;
export const SYNONYM_CREDIT = 0.5;

const latin = /^[a-z0-9]/i;
const sameScript = (a: string, b: string) => latin.test(a) === latin.test(b);

const bridgeFile = new URL('../../knowledge/term-bridge.tsv', import.meta.url);

/** The groups as written: each a list of words, English and Chinese. */
export function readBridgeGroups(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(/\s+/).filter((word) => word !== ''))
    .filter((group) => group.length >= 2);
}

/** Lexeme → the other lexemes of every group it is in. */
export type TermBridge = ReadonlyMap<string, readonly string[]>;

/**
 * The groups in the form the search compares: each word as the parser's single lexeme ("roaming"
 * → "roam"; a Chinese word stays whole). A word the parser splits in several is left out.
 */
async function normalize(db: Queryable, groups: string[][]): Promise<TermBridge> {
  const words = [...new Set(groups.flat())];
  const { rows } = await db.query<{ word: string; lexemes: string[] }>(
    `SELECT w AS word, tsvector_to_array(to_tsvector('${SEARCH_CONFIG}', w)) AS lexemes
       FROM unnest($1::text[]) AS w`,
    [words],
    BACKGROUND,
  );
  const lexeme = new Map(
    rows.flatMap((row) => (row.lexemes.length === 1 ? [[row.word, row.lexemes[0]!]] : [])),
  );
  const bridge = new Map<string, Set<string>>();
  for (const group of groups) {
    const lexemes = [...new Set(group.flatMap((word) => lexeme.get(word) ?? []))];
    for (const from of lexemes) {
      const others = bridge.get(from) ?? new Set<string>();
      lexemes.filter((to) => to !== from).forEach((to) => others.add(to));
      bridge.set(from, others);
    }
  }
  return new Map([...bridge].map(([from, to]) => [from, [...to]]));
}

// Lexemes do not depend on the database they are computed in: one bridge per process.
let shared: Promise<TermBridge> | undefined;

/** The bundled bridge, read and normalized on first use. */
export function termBridge(db: Queryable): Promise<TermBridge> {
  shared ??= normalize(db, readBridgeGroups(readFileSync(bridgeFile, 'utf8'))).catch(
    (error: unknown) => {
      shared = undefined;
      throw error;
    },
  );
  return shared;
}

const han = /^[\u3400-\u9fff]/;

/** Whether most words said are English rather than Chinese (numbers are neither). */
function mostlyLatin(said: ReadonlyMap<string, number>): boolean {
  const words = [...said.keys()];
  const english = words.filter((word) => /^[a-z]/i.test(word)).length;
  return english > words.filter((word) => han.test(word)).length;
}

/**
 * Adds, for each query word in the bridge, the group's other words the query does not already
 * have: Chinese synonyms at SYNONYM_CREDIT of the word's weight, and translations into the
 * query's main language at TRANSLATION_CREDIT ("roaming" in Chinese speech, or the English intent
 * beside a Chinese turn, becomes 漫游 or 争议). A query in one language is not translated: an
 * English search ranks its English articles exactly as before, not the Chinese twins of them.
 * Added words are `partOf` the word, as characters are (han-characters.ts): they add to an
 * article's score, not to the best possible one, so a bridged match raises the article's
 * confidence while the words nothing matches still count against it.
 */
export function withBridgedTerms(
  terms: readonly QueryTerm[],
  said: ReadonlyMap<string, number>,
  bridge: TermBridge,
): QueryTerm[] {
  const direct = new Set(terms.map(({ term }) => term));
  const mainIsLatin = mostlyLatin(said);
  const bridged = new Map<string, QueryTerm>();
  for (const [term, weight] of said) {
    for (const to of bridge.get(term) ?? []) {
      if (direct.has(to) || latin.test(to) !== mainIsLatin) continue;
      const credit = sameScript(term, to)
        ? latin.test(to)
          ? 0 // English synonyms are not ours to add: English search stays as it is.
          : SYNONYM_CREDIT
        : TRANSLATION_CREDIT;
      if (credit === 0) continue;
      const before = bridged.get(to);
      bridged.set(to, {
        term: to,
        weight: (before?.weight ?? 0) + weight * credit,
        partOf: before?.partOf ?? term,
      });
    }
  }
  return [...terms, ...bridged.values()];
}
