import { wordTokens } from '../../text/word-tokens.js';

/**
 * Small, language-light text helpers shared by the wrap-up features (English-first: the
 * summarizer's rewriting rules are English; other languages still get extractive selection).
 */

const stopwordList = `a about above after again against all am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself
no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd she'll she's should
shouldn't so some such than that that's the their theirs them themselves then there there's these they they'd they'll
they're they've this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what
what's when when's where where's which while who who's whom why why's with won't would wouldn't you you'd you'll
you're you've your yours yourself yourselves just also ok okay yes yeah no oh well really please thanks thank sure
hi hello hey right get got will can let know like um uh mm hmm s t ve ll re d m dm`;

export const stopwords: ReadonlySet<string> = new Set(stopwordList.split(/\s+/));

// Word tokens are shared with the Chinese segmentation in src/text.
export { wordTokens };

/** Word tokens that carry meaning: no stopwords, no one-letter tokens. */
export function contentTokens(text: string): string[] {
  return wordTokens(text).filter((token) => token.length > 1 && !stopwords.has(token));
}

/**
 * Repairs transcription habits that break word matching: "I ' Ve" → "I've", "don ' t" → "don't",
 * curly quotes → straight ones, runs of spaces.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(
      /(\w)\s*'\s*(ve|t|s|m|re|ll|d)\b/gi,
      (_match, head: string, tail: string) => `${head}'${tail.toLowerCase()}`,
    )
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits text into sentences on terminal punctuation; keeps the punctuation. */
export function splitSentences(text: string): string[] {
  const parts = text.match(/[^.!?]+(?:[.!?]+|$)/g) ?? [];
  const sentences: string[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') continue;
    // "Mr." "Mrs." "Dr." "St." and decimals do not end a sentence.
    const previous = sentences[sentences.length - 1];
    if (
      previous !== undefined &&
      (/\b(mr|mrs|ms|dr|st|no|vs|etc|e\.g|i\.e)\.$/i.test(previous) ||
        (/\d\.$/.test(previous) && /^\d/.test(part)))
    ) {
      sentences[sentences.length - 1] = `${previous}${/^\d/.test(part) ? '' : ' '}${part}`;
    } else sentences.push(part);
  }
  return sentences;
}
