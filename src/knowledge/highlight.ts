import type { QueryTerm } from './search-hits.js';
import { markdownToPlainText } from '../text/markdown-to-plain-text.js';

/** The best passage of a search result, cut to a window and with the query's words marked. */

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

// Private-use characters: ts_headline marks with them, then we escape the text and turn them
// into <mark> tags, so article text can never inject HTML into an agent's screen.
export const OPEN = '\uE000';
export const CLOSE = '\uE001';

const MARKERS = ['**', '__', '`'] as const;

/**
 * A passage cut from the middle of an article can hold half a pair of emphasis markers
 * ("… lasts 24 hours**: the credit"); a renderer would show it as is. Removes the unpaired one
 * of each kind: a leading closer (its opener was cut off) or else the last opener.
 */
export function balanceMarkdown(text: string): string {
  let balanced = text;
  for (const marker of MARKERS) {
    const positions: number[] = [];
    for (
      let at = balanced.indexOf(marker);
      at >= 0;
      at = balanced.indexOf(marker, at + marker.length)
    )
      positions.push(at);
    if (positions.length % 2 === 0) continue;
    const first = positions[0]!;
    const before = balanced[first - 1];
    const after = balanced[first + marker.length];
    const firstCloses =
      before !== undefined &&
      /\S/.test(before) &&
      (after === undefined || !/[\p{L}\p{N}]/u.test(after));
    const drop = firstCloses ? first : positions[positions.length - 1]!;
    balanced = balanced.slice(0, drop) + balanced.slice(drop + marker.length);
  }
  return balanced;
}

export function renderHighlight(marked: string): {
  passage: string;
  highlighted: string;
  matched: string[];
} {
  const matched = new Set<string>();
  for (const match of marked.matchAll(new RegExp(`${OPEN}([^${CLOSE}]*)${CLOSE}`, 'g'))) {
    if (match[1]) matched.add(match[1].toLowerCase());
  }
  // Articles are Markdown. The passage is plain text: what a reply quotes, a model reads and a
  // citation shows. The highlighted passage keeps the Markdown for the consoles to render.
  const plain = markdownToPlainText(marked);
  return {
    passage: plain.replaceAll(OPEN, '').replaceAll(CLOSE, ''),
    highlighted: escapeHtml(balanceMarkdown(marked))
      .replaceAll(OPEN, '<mark>')
      .replaceAll(CLOSE, '</mark>'),
    matched: [...matched],
  };
}

function markLiterally(text: string, words: readonly string[]): string {
  const cjk = words
    .filter((word) => !word.includes(' ') && /[\u3400-\u9fff\uac00-\ud7af]/.test(word))
    .sort((a, b) => b.length - a.length);
  if (cjk.length === 0) return text;
  const pattern = new RegExp(
    cjk.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  );
  return text.replace(pattern, (word) => `${OPEN}${word}${CLOSE}`);
}

/**
 * Marks CJK query words by literal match: the Postgres parser sees a run of Han characters as one
 * word. Characters read for an unknown word (han-characters.ts) are marked only in a passage no
 * word of the query matched: there they are the whole reason it was found, elsewhere single
 * marked characters would only scatter the agent's eye.
 */
export function markCjk(text: string, terms: readonly QueryTerm[]): string {
  const marked = markLiterally(
    text,
    terms.filter((t) => t.partOf === undefined).map((t) => t.term),
  );
  if (marked.includes(OPEN)) return marked;
  return markLiterally(
    text,
    terms.filter((t) => t.partOf !== undefined).map((t) => t.term.replace(/^~/, '')),
  );
}

/** Cuts a long passage to a window around its first highlight (ts_headline cannot shorten CJK text). */
export function excerpt(marked: string, maxChars: number): string {
  if (marked.length <= maxChars) return marked;
  const first = marked.indexOf(OPEN);
  const start = first < 0 ? 0 : Math.max(0, first - Math.floor(maxChars / 4));
  let window = marked.slice(start, start + maxChars);
  // Never leave a mark open.
  if (window.lastIndexOf(OPEN) > window.lastIndexOf(CLOSE))
    window = window.slice(0, window.lastIndexOf(OPEN));
  return `${start > 0 ? '… ' : ''}${window}${start + maxChars < marked.length ? ' …' : ''}`;
}
