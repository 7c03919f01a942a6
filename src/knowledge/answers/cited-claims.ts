import type { AnswerClaim } from '../../conversations/events.js';

/**
 * Grounding check for a model's answer: every claim must cite an article it was given. The
 * model is told to end each sentence with `[article-id]`; a citation to any other id (one it
 * invented, or remembered from training) is dropped, and a claim left without a citation is
 * dropped with it, because nothing the agent can open backs it up.
 */
export interface CheckedAnswer {
  claims: AnswerClaim[];
  /** Citations naming an article that was not among the passages given. */
  inventedCitations: number;
  /** Sentences that ended with no valid citation. */
  uncitedClaims: number;
  /** The model said the passages do not answer the question. */
  declined: boolean;
}

/** What the prompt tells the model to answer when the passages do not support an answer. */
export const NO_ANSWER = 'NO_ANSWER';

const CITATION = /\[([^[\]\n]{1,120})\]/g;
const CJK_END = /[。！？]/;
const LATIN_END = /[.!?]/;

/**
 * Splits an answer into claims: sentences, list items and lines, each keeping the citation
 * brackets that follow its full stop ("… 5 days. [kb-refunds]" belongs to the first sentence).
 * A full stop inside a number ("4.99") or an id does not end a sentence.
 */
export function splitClaims(answer: string): string[] {
  const claims: string[] = [];
  for (const line of answer.split(/\n+/)) {
    let start = 0;
    let index = 0;
    while (index < line.length) {
      const char = line[index]!;
      const next = line[index + 1];
      const ends =
        CJK_END.test(char) || (LATIN_END.test(char) && (next === undefined || /\s|\[/.test(next)));
      index++;
      if (!ends) continue;
      // Absorb trailing citation groups and further terminators.
      for (;;) {
        const rest = line.slice(index);
        const trailing = /^\s*(\[[^[\]\n]{1,120}\]|[.!?。！？])/.exec(rest);
        if (!trailing) break;
        index += trailing[0].length;
      }
      claims.push(line.slice(start, index));
      start = index;
    }
    if (start < line.length) claims.push(line.slice(start));
  }
  return claims.map((claim) => claim.trim()).filter((claim) => claim.length > 0);
}

function claimText(raw: string): string {
  return (
    raw
      .replace(CITATION, '')
      // List markers and the spaces the citations leave behind.
      .replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '')
      .replace(/\s+([.,;:!?。，；：！？])/g, '$1')
      .replace(/\s{2,}/g, ' ')
      .trim()
  );
}

/** Keeps the claims that cite at least one of `allowed`, with only those citations. */
export function checkCitations(answer: string, allowed: ReadonlySet<string>): CheckedAnswer {
  const checked: CheckedAnswer = {
    claims: [],
    inventedCitations: 0,
    uncitedClaims: 0,
    declined: false,
  };
  if (answer.includes(NO_ANSWER)) return { ...checked, declined: true };
  for (const raw of splitClaims(answer)) {
    const text = claimText(raw);
    // A bare citation line or stray punctuation is not a claim.
    if (!/[\p{L}\p{N}]/u.test(text)) continue;
    const articleIds: string[] = [];
    for (const match of raw.matchAll(CITATION)) {
      for (const id of match[1]!.split(/[,;，；]/).map((part) => part.trim())) {
        if (!id) continue;
        if (allowed.has(id)) {
          if (!articleIds.includes(id)) articleIds.push(id);
        } else checked.inventedCitations++;
      }
    }
    if (articleIds.length === 0) checked.uncitedClaims++;
    else checked.claims.push({ text, articleIds });
  }
  return checked;
}
