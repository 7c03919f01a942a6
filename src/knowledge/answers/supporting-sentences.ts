import { CLOSE, OPEN, renderHighlight } from '../highlight.js';
import { chineseContentWords, splitChineseSentences } from '../../text/chinese-words.js';
import { majorityLanguage } from '../../text/chinese-script.js';
import { contentTokens } from '../../wrap-up/text/text.js';
import { askingSentences, chineseQuestionWord } from './is-question.js';

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

/** Content words of one piece of the customer's turn: English stems and Chinese words. */
interface QuestionWords {
  stems: Set<string>;
  chinese: Set<string>;
}

function questionWords(text: string): QuestionWords {
  return {
    stems: new Set(
      contentTokens(text)
        .filter((w) => !han.test(w))
        .map(stem),
    ),
    chinese: new Set(
      han.test(text)
        ? chineseContentWords(text).filter((word) => !chineseQuestionWord.test(word))
        : [],
    ),
  };
}

const size = (words: QuestionWords) => words.stems.size + words.chinese.size;

/** The sentence with the turn's words wrapped in the highlight markers, and which it holds. */
function mark(sentence: string, words: QuestionWords): { marked: string; found: Set<string> } {
  const found = new Set<string>();
  let marked = sentence.replace(/[\p{L}\p{N}]+(?:'\p{L}+)?/gu, (word) => {
    const stemmed = stem(word.toLowerCase());
    if (han.test(word) || !words.stems.has(stemmed)) return word;
    found.add(stemmed);
    return `${OPEN}${word}${CLOSE}`;
  });
  if (words.chinese.size > 0) {
    // Longest first, so "退款" is marked rather than a shorter word inside it.
    const pattern = new RegExp(
      [...words.chinese]
        .sort((a, b) => b.length - a.length)
        .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    marked = marked.replace(pattern, (word) => {
      found.add(word);
      return `${OPEN}${word}${CLOSE}`;
    });
  }
  return { marked, found };
}

/**
 * How well a sentence answers the turn: the most words it shares with one question the turn
 * asks, when that question is met, else 0. One question is met by two of its words, or its only
 * one: a lone "take" of "how long will it take?" is a coincidence. Each question counts on its
 * own, so "这个损失谁来管？你们有没有补偿？" is answered by a sentence on 补偿 alone.
 */
function support(found: ReadonlySet<string>, questions: readonly QuestionWords[]): number {
  let best = 0;
  for (const question of questions) {
    const hits = [...found].filter((w) => question.stems.has(w) || question.chinese.has(w)).length;
    if (hits >= Math.min(2, size(question))) best = Math.max(best, hits);
  }
  return best;
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
 * The best sentence of `passage` for the customer's `turn`: the one meeting a question the turn
 * asks with most of its words (ties go to the one sharing most of the turn's other words, then
 * the earlier), and the next one when it also shares a word and there is room. Null when no
 * sentence meets a question: quoting a passage that does not say what was asked is not an answer.
 */
export function supportingSentences(
  passage: string,
  turn: string,
  maxChars = 300,
): SupportingSentences | null {
  const asked = askingSentences(turn);
  let questions = asked.map(questionWords).filter((words) => size(words) > 0);
  // "What does that mean?" names nothing: what it asks about is in the rest of the turn.
  if (questions.length === 0) questions = [questionWords(turn)];
  const all = questionWords(turn);
  const sentences = splitSentences(passage.replace(/\s+/g, ' ').trim())
    .filter(standsAlone)
    .map((sentence, index) => {
      const { marked, found } = mark(sentence, all);
      return { index, sentence, marked, found, support: support(found, questions) };
    });
  const best = sentences.reduce<(typeof sentences)[number] | undefined>(
    (top, entry) =>
      entry.support > (top?.support ?? 0) ||
      (top !== undefined && entry.support === top.support && entry.found.size > top.found.size)
        ? entry
        : top,
    undefined,
  );
  if (!best) return null;
  const chosen = [best];
  const next = sentences.find((entry) => entry.index === best.index + 1);
  if (next && next.found.size > 0 && best.sentence.length + next.sentence.length < maxChars)
    chosen.push(next);
  const joiner = han.test(best.sentence) ? '' : ' ';
  const rendered = renderHighlight(chosen.map((entry) => entry.marked).join(joiner));
  return { text: rendered.passage, highlighted: rendered.highlighted, matched: rendered.matched };
}
