import { CLOSE, OPEN, renderHighlight } from '../highlight.js';
import { chineseContentWords, splitChineseSentences } from '../../text/chinese-words.js';
import { majorityLanguage } from '../../text/chinese-script.js';
import { contentTokens } from '../../wrap-up/text/text.js';
import { chineseQuestionWord } from './is-question.js';

/**
 * The offline answer: the sentences of a passage that best answer the customer's question, with
 * the question's words marked, so the agent's eye lands on the answer inside the article's text.
 */
export interface SupportingSentences {
  /** Plain text, as the article says it. */
  text: string;
  /** HTML-escaped, the question's words in <mark></mark>. */
  highlighted: string;
  matched: string[];
}

// Han characters: Chinese passages are split on 。！？ and matched by words the segmenter finds.
const han = /[\u3400-\u9fff]/;

/** "arrive", "arrives", "arrived", "arriving" → "arriv": enough to meet the question halfway. */
function stem(word: string): string {
  return word.length > 3 ? word.replace(/(?:ing|ed|s)$/, '').replace(/e$/, '') : word;
}

/**
 * Sentences of each search fragment (fragments are joined by " … "). Latin full stops inside
 * numbers ("4.99") do not end a sentence.
 */
function splitSentences(text: string): string[] {
  return text
    .split(/\s…\s/)
    .flatMap((fragment) =>
      majorityLanguage([fragment]) === 'zh'
        ? splitChineseSentences(fragment)
        : (fragment.match(/.+?(?:[.!?](?=\s|$)|$)/gs) ?? []).map((s) => s.trim()).filter(Boolean),
    );
}

interface QuestionWords {
  stems: Set<string>;
  chinese: string[];
}

function questionWords(question: string): QuestionWords {
  return {
    stems: new Set(
      contentTokens(question)
        .filter((w) => !han.test(w))
        .map(stem),
    ),
    // Longest first, so "退款" is marked rather than a shorter word inside it.
    chinese: [
      ...new Set(
        han.test(question)
          ? chineseContentWords(question).filter((word) => !chineseQuestionWord.test(word))
          : [],
      ),
    ].sort((a, b) => b.length - a.length),
  };
}

/** The sentence with the question's words wrapped in the highlight markers, and how many differ. */
function mark(sentence: string, words: QuestionWords): { marked: string; hits: number } {
  const found = new Set<string>();
  let marked = sentence.replace(/[\p{L}\p{N}]+(?:'\p{L}+)?/gu, (word) => {
    const stemmed = stem(word.toLowerCase());
    if (han.test(word) || !words.stems.has(stemmed)) return word;
    found.add(stemmed);
    return `${OPEN}${word}${CLOSE}`;
  });
  if (words.chinese.length > 0) {
    const pattern = new RegExp(
      words.chinese.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
      'g',
    );
    marked = marked.replace(pattern, (word) => {
      found.add(word);
      return `${OPEN}${word}${CLOSE}`;
    });
  }
  return { marked, hits: found.size };
}

/**
 * A piece cut by the search window ("… ship date", "the courier's site.") or a bare heading says
 * too little to quote.
 */
function standsAlone(sentence: string): boolean {
  if (sentence.startsWith('…')) return false;
  if (han.test(sentence)) return [...sentence].length >= 6;
  return /^["'(\p{Lu}\p{N}]/u.test(sentence) && sentence.split(/\s+/).length >= 4;
}

/**
 * The best sentence of `passage` for `question` (most question words), and the next one when it
 * also shares a word and there is room. Null when no sentence shares a word with the question:
 * quoting a passage that does not say what was asked is not an answer.
 */
export function supportingSentences(
  passage: string,
  question: string,
  maxChars = 300,
): SupportingSentences | null {
  const words = questionWords(question);
  const sentences = splitSentences(passage.replace(/\s+/g, ' ').trim())
    .filter(standsAlone)
    .map((sentence, index) => ({ index, sentence, ...mark(sentence, words) }));
  const best = sentences.reduce<(typeof sentences)[number] | undefined>(
    (top, entry) => (entry.hits > (top?.hits ?? 0) ? entry : top),
    undefined,
  );
  // One shared word of a longer question ("take" in "how long will it take? I work from home")
  // is a coincidence, not an answer.
  const wanted = words.stems.size + words.chinese.length;
  if (!best || best.hits < Math.min(2, wanted)) return null;
  const chosen = [best];
  const next = sentences.find((entry) => entry.index === best.index + 1);
  if (next && next.hits > 0 && best.sentence.length + next.sentence.length < maxChars)
    chosen.push(next);
  const joiner = han.test(best.sentence) ? '' : ' ';
  const rendered = renderHighlight(chosen.map((entry) => entry.marked).join(joiner));
  return { text: rendered.passage, highlighted: rendered.highlighted, matched: rendered.matched };
}
