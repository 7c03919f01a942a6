import type { ConversationItem, UtteranceItem } from '../../conversations/types.js';
import { contentTokens, splitSentences } from '../text/text.js';
import { chineseContentWords, splitChineseSentences } from '../../text/chinese-words.js';
import { sentimentScore } from '../text/sentiment.js';
import { extractCommitments } from '../followups/commitments.js';
import { numbersIn, policyFigures, type PolicyFigure } from './policy-figures.js';
import type { QaCheck, Scorecard } from './scorecard.js';
import {
  greetingPattern,
  offerHelpPattern,
  verifyPattern,
  changeActionPattern,
  changeStatementPattern,
  verifyActionPattern,
  empathyPattern,
  upsetSentiment,
  resolutionPattern,
  closingPattern,
  thanksOnlyPattern,
  displeasureCue,
} from './qa-cues.js';

export interface CriterionScore {
  criterionId: string;
  /** 1 met, 0 missed, null not applicable (e.g. no account change, customer never upset). */
  score: 0 | 1 | null;
  /** Sequence numbers of the turns or actions that justify the score. */
  evidence: number[];
  note: string;
}

export interface QaResult {
  scorecardId: string;
  scorecardVersion: number;
  /** Weighted share of applicable criteria met, in [0, 1]; null when none applied. */
  overall: number | null;
  criteria: CriterionScore[];
}

export interface QaContext {
  transcript: readonly ConversationItem[];
  /** Wrap-up code the agent chose, and the one the classifier suggested with its confidence. */
  disposition?: { chosen: string | null; suggested: string | null; confidence: number } | undefined;
  /** Texts of knowledge articles shown to the agent during the conversation. */
  articles?: readonly string[] | undefined;
  /**
   * Sentiment score in [-1, 1] per utterance seq, from the live sentiment analyzer (the score the
   * agent saw during the call). Turns without one are scored here with the English lexicon.
   */
  sentiment?: Readonly<Record<number, number>> | undefined;
}

function utterances(
  transcript: readonly ConversationItem[],
  speaker: UtteranceItem['speaker'],
): UtteranceItem[] {
  return transcript.filter(
    (item): item is UtteranceItem => item.kind === 'utterance' && item.speaker === speaker,
  );
}

function score(
  criterionId: string,
  value: 0 | 1 | null,
  evidence: number[],
  note: string,
): CriterionScore {
  return { criterionId, score: value, evidence, note };
}

/** Says so in words, or reads clearly negative to the live analyzer (or the lexicon without it). */
function isUpset(turn: UtteranceItem, context: QaContext): boolean {
  if (displeasureCue(turn.text) !== undefined) return true;
  const live = context.sentiment?.[turn.seq];
  return (live ?? sentimentScore(turn.text)) <= upsetSentiment;
}

/** An agent's policy figure, with the turn it was said in. */
interface StatedFigure {
  seq: number;
  figure: PolicyFigure;
}

/** Some article states all the figure's numbers (and, for a duration, its kind of unit). */
function supportedBy(figure: PolicyFigure, articles: readonly ArticleFigures[]): boolean {
  return articles.some(
    (article) =>
      figure.values.every((value) => article.numbers.has(value)) &&
      (figure.kind !== 'duration' ||
        article.units.some((unit) => figure.text.toLowerCase().includes(unit))),
  );
}

interface ArticleFigures {
  numbers: ReadonlySet<number>;
  units: readonly string[];
}

const durationUnits = ['second', 'minute', 'hour', 'day', 'week', 'month', 'year', 'bill'];
// "3到5个工作日" is checked against an article's working days, not its calendar days.
const chineseDurationUnits = ['工作日', '自然日', '天', '小时', '钟头', '周', '星期', '个月', '年'];

/** Words that say what a text is about, English and Chinese, without figures. */
function topicWords(text: string): string[] {
  return [...contentTokens(text), ...chineseContentWords(text)].filter(
    (word) => !/^\d/.test(word) && !/^[零〇一二两三四五六七八九十百千个]+$/.test(word),
  );
}

/** Sentences of an agent turn, on English and Chinese terminal marks. */
function sentencesOf(text: string): string[] {
  return splitSentences(text).flatMap((sentence) => splitChineseSentences(sentence));
}

function articleFigures(text: string): ArticleFigures {
  const lower = text.toLowerCase();
  return {
    numbers: new Set(numbersIn(text)),
    units: [...durationUnits, ...chineseDurationUnits].filter((unit) => lower.includes(unit)),
  };
}

function runCheck(criterionId: string, check: QaCheck, context: QaContext): CriterionScore {
  const agent = utterances(context.transcript, 'agent');
  const customer = utterances(context.transcript, 'customer');
  switch (check) {
    case 'greeting': {
      const opening = agent
        .slice(0, 2)
        .filter((turn) => greetingPattern.test(turn.text) || offerHelpPattern.test(turn.text));
      return opening.length > 0
        ? score(
            criterionId,
            1,
            opening.map((t) => t.seq),
            'agent greeted the customer',
          )
        : score(
            criterionId,
            0,
            agent.slice(0, 1).map((t) => t.seq),
            'no greeting in the agent’s first turns',
          );
    }
    case 'identity_before_change': {
      const changes = context.transcript.filter(
        (item) =>
          (item.kind === 'action' &&
            changeActionPattern.test(item.action) &&
            !verifyActionPattern.test(item.action)) ||
          (item.kind === 'utterance' &&
            item.speaker === 'agent' &&
            changeStatementPattern.test(item.text)),
      );
      if (changes.length === 0) return score(criterionId, null, [], 'no account change');
      const firstChange = changes[0]!.seq;
      const verification = context.transcript.filter(
        (item) =>
          item.seq < firstChange &&
          ((item.kind === 'action' && verifyActionPattern.test(item.action)) ||
            (item.kind === 'utterance' &&
              item.speaker === 'agent' &&
              verifyPattern.test(item.text))),
      );
      return verification.length > 0
        ? score(
            criterionId,
            1,
            [...verification.map((v) => v.seq), firstChange],
            'identity checked before the first change',
          )
        : score(criterionId, 0, [firstChange], 'account changed without a prior identity check');
    }
    case 'empathy_when_upset': {
      const upset = customer.filter((turn) => isUpset(turn, context));
      if (upset.length === 0) return score(criterionId, null, [], 'customer was not upset');
      const first = upset[0]!;
      // The acknowledgement must come soon after the customer showed it: within the next two agent turns.
      const replies = agent.filter((turn) => turn.seq > first.seq).slice(0, 2);
      const empathic = replies.filter((turn) => empathyPattern.test(turn.text));
      return empathic.length > 0
        ? score(
            criterionId,
            1,
            [first.seq, ...empathic.map((t) => t.seq)],
            'agent acknowledged the customer’s feelings',
          )
        : score(
            criterionId,
            0,
            [first.seq, ...replies.map((t) => t.seq)],
            'no acknowledgement after the customer got upset',
          );
    }
    case 'kb_accuracy': {
      const articles = context.articles ?? [];
      if (articles.length === 0)
        return score(criterionId, null, [], 'no knowledge articles were shown');
      const vocabulary = new Set(articles.flatMap((article) => topicWords(article)));
      // Only rules (timelines, fees, percentages, limits) can be in an article; amounts, card
      // digits and dates read off the customer's account never are. A rule is checked when its
      // sentence is about what the articles cover (two shared words besides the figures).
      const stated: StatedFigure[] = agent.flatMap((turn) =>
        sentencesOf(turn.text).flatMap((sentence) => {
          const related = topicWords(sentence).filter((t) => vocabulary.has(t)).length >= 2;
          return related
            ? policyFigures(sentence).map((figure) => ({ seq: turn.seq, figure }))
            : [];
        }),
      );
      if (stated.length === 0)
        return score(
          criterionId,
          null,
          [],
          'no policy figures (timelines, fees, percentages, limits) to check; account details are not checked',
        );
      const known = articles.map(articleFigures);
      const unsupported = stated.filter((entry) => !supportedBy(entry.figure, known));
      const turns = (entries: StatedFigure[]) => [...new Set(entries.map((e) => e.seq))];
      return unsupported.length === 0
        ? score(
            criterionId,
            1,
            turns(stated),
            `policy figures match the articles: ${stated.map((e) => `"${e.figure.text}"`).join(', ')}`,
          )
        : score(
            criterionId,
            0,
            turns(unsupported),
            `policy figures not in the articles shown: ${unsupported.map((e) => `"${e.figure.text}"`).join(', ')}`,
          );
    }
    case 'correct_disposition': {
      const disposition = context.disposition;
      if (!disposition?.chosen || !disposition.suggested)
        return score(criterionId, null, [], 'no disposition to compare');
      if (disposition.chosen === disposition.suggested)
        return score(criterionId, 1, [], 'chosen code matches the suggested one');
      // Only a confident disagreement counts as a miss; otherwise the agent's choice stands.
      return disposition.confidence >= 0.7
        ? score(
            criterionId,
            0,
            [],
            `chosen "${disposition.chosen}" but the conversation suggests "${disposition.suggested}"`,
          )
        : score(criterionId, 1, [], 'chosen code is plausible');
    }
    case 'resolution_confirmed': {
      // A promise with a time ("明天上午我会给您打电话", "I'll call you back Thursday") states
      // the next steps, in whatever words: the follow-ups' own reader finds it.
      const promised = new Set(
        extractCommitments(
          agent.map((turn) => ({ seq: turn.seq, speaker: 'agent', text: turn.text })),
          { owners: ['agent'] },
        )
          .filter((commitment) => commitment.dueAt !== null)
          .map((commitment) => commitment.seq),
      );
      const tail = agent
        .slice(-4)
        .filter((turn) => resolutionPattern.test(turn.text) || promised.has(turn.seq));
      return tail.length > 0
        ? score(
            criterionId,
            1,
            tail.map((t) => t.seq),
            'agent confirmed resolution or next steps',
          )
        : score(
            criterionId,
            0,
            agent.slice(-1).map((t) => t.seq),
            'no confirmation of resolution at the end',
          );
    }
    case 'closing': {
      // The first agent turn is the opening: its "thank you for calling" is a greeting.
      const tail = agent.slice(1).slice(-3);
      const last = tail[tail.length - 1];
      const closing = tail.filter((turn) => closingPattern.test(turn.text));
      if (
        closing.length === 0 &&
        last &&
        thanksOnlyPattern.test(splitSentences(last.text).pop() ?? '')
      )
        closing.push(last);
      return closing.length > 0
        ? score(
            criterionId,
            1,
            closing.map((t) => t.seq),
            'agent closed the conversation politely',
          )
        : score(
            criterionId,
            0,
            agent.slice(-1).map((t) => t.seq),
            'no closing',
          );
    }
  }
}

/** Scores a finished conversation against a scorecard, with evidence for every criterion. */
export function scoreConversation(scorecard: Scorecard, context: QaContext): QaResult {
  return withOverall(
    scorecard,
    scorecard.criteria.map((criterion) => runCheck(criterion.id, criterion.check, context)),
  );
}

/**
 * The same result with its disposition criteria scored again against the code the agent
 * confirmed after the call (QA runs at the end of the call, usually before the agent picks one).
 * The other criteria depend on the transcript only and are kept as they were.
 */
export function rescoreDisposition(
  scorecard: Scorecard,
  previous: QaResult,
  disposition: NonNullable<QaContext['disposition']>,
): QaResult {
  const earlier = new Map(previous.criteria.map((criterion) => [criterion.criterionId, criterion]));
  return withOverall(
    scorecard,
    scorecard.criteria.map((criterion) => {
      if (criterion.check === 'correct_disposition')
        return runCheck(criterion.id, criterion.check, { transcript: [], disposition });
      // Same scorecard version, so every criterion was scored; kept as a guard all the same.
      return earlier.get(criterion.id) ?? score(criterion.id, null, [], 'not scored');
    }),
  );
}

/** Weighted share of the applicable criteria met; criteria in the scorecard's order. */
function withOverall(scorecard: Scorecard, criteria: CriterionScore[]): QaResult {
  let weighted = 0;
  let total = 0;
  scorecard.criteria.forEach((criterion, i) => {
    const value = criteria[i]!.score;
    if (value === null) return;
    weighted += criterion.weight * value;
    total += criterion.weight;
  });
  return {
    scorecardId: scorecard.id,
    scorecardVersion: scorecard.version,
    overall: total === 0 ? null : weighted / total,
    criteria,
  };
}
