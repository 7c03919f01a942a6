import type { PolicyFigure, PolicyFigureKind } from './policy-figures.js';

/**
 * What the English and the Chinese policy-figure readers share: spans already read (so "$20 a
 * month" is one price and not also a duration), and the figures found, in sentence order.
 */
export function figureSpans(numbersIn: (text: string) => number[]) {
  const found: (PolicyFigure & { start: number })[] = [];
  const occupied: [number, number][] = [];
  /** Takes the match's span; false when part of it was already read. */
  const claim = (match: RegExpMatchArray): boolean => {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (occupied.some(([from, to]) => start < to && end > from)) return false;
    occupied.push([start, end]);
    return true;
  };
  const add = (kind: PolicyFigureKind, match: RegExpMatchArray) => {
    if (!claim(match)) return;
    const values = numbersIn(match[0]);
    if (values.length > 0)
      found.push({ kind, text: match[0].trim(), values, start: match.index ?? 0 });
  };
  const figures = (): PolicyFigure[] =>
    found
      .sort((a, b) => a.start - b.start)
      .map(({ kind, text, values }) => ({ kind, text, values }));
  return { claim, add, figures };
}
