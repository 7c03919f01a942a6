import { randomUUID } from 'node:crypto';
import { assistLanguage } from '../../assist/messages/assist-language.js';
import { assistMessages, type AssistMessages } from '../../assist/messages/assist-messages.js';
import { defineAnalyzer } from '../../pipeline/analyzer.js';
import type { EventBody } from '../../conversations/events.js';
import type { Queryable } from '../../stores/database.js';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import { conversationQuery, splitSentences, type QueryTurn } from '../conversation-query.js';
import { searchKnowledge, type SearchResult } from '../search.js';
import { contentTokens } from '../../wrap-up/text/text.js';
import { redactionTokenPattern } from '../../understanding/pii/redact.js';
import type { WordSplitter } from '../search-text.js';
import type { ResolutionRankers } from '../learned-ranking/resolution-rankers.js';
import { topicWordCount } from './routine-turn.js';
import {
  cardTopic,
  placeCard,
  readSlots,
  replacesIncumbent,
  slotFor,
  type CardSlot,
} from './card-slots.js';

export interface ArticleCardsOptions {
  db: Queryable;
  embedder: EmbeddingModel | null;
  splitter: WordSplitter;
  /** Learning from resolutions: cards like the ones that resolved similar conversations. */
  resolutions?: ResolutionRankers | undefined;
  /** Below this search confidence no card is shown: a wrong card costs the agent attention. */
  minConfidence?: number;
  /** Turns of the conversation used for the query (recent ones weigh more). */
  windowTurns?: number;
}

/** The article the conversation needs now, when the search is confident enough to show it. */
export interface GroundingArticle {
  articleId: string;
  title: string;
  /** The best passage, plain text: what a reply may quote and cite. */
  passage: string;
  confidence: number;
}

export interface ArticleCardsResult {
  topArticleId: string | null;
  topConfidence: number;
  /**
   * The leading article when it clears the card threshold, whether or not its card is new: the
   * suggested reply grounds in it. Null when nothing is confident (small talk, verification).
   */
  top: GroundingArticle | null;
  /** The article of the new card pushed for this turn, if any. */
  suggested: string | null;
}

/** What the analyzer remembers per conversation. */
export interface ArticleCardsState {
  /** Every article shown, replaced ones included: none comes back. */
  shown: string[];
  /** One per topic, holding the card now on screen for it (absent in states stored before). */
  slots?: CardSlot[];
}

function readState(state: unknown): Required<ArticleCardsState> {
  if (state && typeof state === 'object' && Array.isArray((state as ArticleCardsState).shown)) {
    return {
      shown: (state as ArticleCardsState).shown.filter(
        (id): id is string => typeof id === 'string',
      ),
      slots: readSlots((state as ArticleCardsState).slots),
    };
  }
  return { shown: [], slots: [] };
}

/** A wrap-up code as words: "refund_issued" → "Refund issued". */
const codeName = (code: string): string => {
  const words = code.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Why the card is shown, in the language the agent reads (see assistLanguage). */
function reasonFor(result: SearchResult, messages: AssistMessages): string {
  const resolved = result.resolvedBefore;
  if (resolved?.code)
    return messages.articleCards.resolvedWithCode(resolved.conversations, codeName(resolved.code));
  if (resolved) return messages.articleCards.resolvedBefore(resolved.conversations);
  if (result.matchedTerms.length > 0) return messages.articleCards.matches(result.matchedTerms);
  return messages.articleCards.closeInMeaning;
}

/** Window order, each article with the better of its two confidences; last-turn-only finds appended. */
function mergeConfidence(window: SearchResult[], lastTurn: SearchResult[]): SearchResult[] {
  const byId = new Map(lastTurn.map((result) => [result.articleId, result]));
  const merged = window.map((result) => {
    const other = byId.get(result.articleId);
    return other && other.confidence > result.confidence
      ? { ...result, confidence: other.confidence }
      : result;
  });
  const seen = new Set(merged.map((result) => result.articleId));
  return [...merged, ...lastTurn.filter((result) => !seen.has(result.articleId))];
}

/**
 * Suggests knowledge articles as the conversation unfolds. The query is built from the last
 * turns (customer turns and recent turns weigh more), so when the customer changes topic the
 * new topic wins within a turn or two. A card is shown only when the search is confident, and
 * never twice in one conversation.
 */
/**
 * Redaction placeholders ("[EMAIL]", "[CARD:1a2b3c]") are not topics: "Sure, it's [EMAIL]" is a
 * customer answering a verification question, not asking about e-mail settings.
 */
const topical = (text: string): string => text.replace(redactionTokenPattern, ' ');

/**
 * A keyword match the sentence encoder finds unrelated ("the lost day" of an outage matching the
 * lost-phone article): shared words, different meaning. Not worth the agent's attention.
 */
const MIN_SIMILARITY_FOR_CARD = 0.1;
const lexicalCoincidence = (result: SearchResult) =>
  result.vectorSimilarity !== null && result.vectorSimilarity < MIN_SIMILARITY_FOR_CARD;

/** The keyword-only bar as a share of the blended one. */
const KEYWORD_ONLY_SCALE = 0.8;

/** The conversation's intent must be this sure to join the query, and weighs this much. */
const MIN_TOPIC_CONFIDENCE = 0.4;
const TOPIC_WEIGHT = 1;

/** An out-of-scope verdict this sure means the turn is small talk, verification or a close… */
const SMALL_TALK_CONFIDENCE = 0.85;
/**
 * …when the turn is short once its routine parts are out. A greeting before a need ("你好，我想把
 * 家里的宽带取消掉，每个月一百二十九块太贵了") pulls the classifier to "none of these": its few Chinese
 * out-of-scope examples are greetings (你好, 谢谢), and it reads the whole turn. Small talk,
 * verification answers and closings leave at most this many topic words.
 */
const SMALL_TALK_MAX_TOPIC_WORDS = 3;
/** A turn intent this sure names a need even in one word ("Refund please"). */
const NEED_CONFIDENCE = 0.5;

/**
 * The last turn is searched on its own only when it says enough to stand alone: "How long does
 * that take?" leans on the turns before it, and alone it matches whatever article says "take".
 */
const MIN_WORDS_ALONE = 3;

/** A customer turn stating several needs is searched sentence by sentence: its last ones, this many. */
const MAX_SENTENCE_SEARCHES = 2;

const standsAlone = (text: string) => contentTokens(text).length >= MIN_WORDS_ALONE;

/**
 * The last customer turn as the searches that read it alone: each sentence that stands alone when
 * there are several ("I want to cancel my subscription. The app keeps buffering during live
 * sports." states two needs, and searched as one text it leads with stream packages, half about
 * each: "subscription", "live sport"), else the whole turn when it stands alone, else nothing.
 */
function lastTurnQueries(text: string): string[] {
  const sentences = splitSentences(text).filter(standsAlone);
  if (sentences.length >= 2) return sentences.slice(-MAX_SENTENCE_SEARCHES);
  return standsAlone(text) ? [text] : [];
}

function mostConfident(results: readonly SearchResult[]): SearchResult | undefined {
  return results.reduce<SearchResult | undefined>(
    (best, result) => (best && best.confidence >= result.confidence ? best : result),
    undefined,
  );
}

export function createArticleCardsAnalyzer(options: ArticleCardsOptions) {
  const minConfidence = options.minConfidence ?? 0.25;
  // Without a vector score (a script the sentence encoder does not know, e.g. Chinese) the
  // confidence is keyword coverage alone, which runs lower than the blended figure for the same
  // relevance: a query's unmatched words (greetings, times) count against it with nothing to
  // lift it. Same bar, scaled.
  const thresholdFor = (result: SearchResult) =>
    result.vectorSimilarity === null ? minConfidence * KEYWORD_ONLY_SCALE : minConfidence;
  const windowTurns = options.windowTurns ?? 8;
  return defineAnalyzer({
    name: 'article-cards',
    languages: 'any', // searches articles written in the conversation's language
    reads: ['intent', 'language'],
    accepts: ['utterance'],
    cost: 'heavy',
    // A card for a turn the conversation has moved past is noise; under load, skip it.
    skipWhenBehindMs: 1_500,
    // Searches run in the database; on embedded PGlite one at a time is all it does anyway.
    maxConcurrent: 1,
    async analyze(context) {
      const { item } = context;
      // Agent turns refine the query but do not trigger a new card on their own.
      if (item.kind !== 'utterance' || item.speaker !== 'customer') return null;
      const state = readState(context.state);
      const turns: QueryTurn[] = context.transcript
        .filter((entry) => entry.kind === 'utterance')
        .slice(-windowTurns)
        .map((entry) => ({ speaker: entry.speaker, text: topical(entry.text) }));
      const query = conversationQuery(turns);
      if (query.segments.length === 0) return null;
      const intent = context.previous.intent;
      // What the classifier says the contact is about names the topic in the knowledge base's
      // own words ("report outage", "cancel subscription") when the customer's words are
      // oblique ("the router light is blinking red"): one more query segment, by confidence.
      const topic = intent?.conversation;
      const topicSegment =
        topic && topic.confidence >= MIN_TOPIC_CONFIDENCE
          ? { text: topic.intent.replace(/[_-]+/g, ' '), weight: TOPIC_WEIGHT * topic.confidence }
          : undefined;
      if (topicSegment) query.segments.push(topicSegment);
      // Small talk, acknowledgements, closings and verification answers need no new card, whatever
      // the search makes of the conversation around them: the classifier's confident "none of
      // these", or a turn with no topic word left once its routine parts are out ("It's
      // sam@example.net", "好吧，谢谢。"), or one word the classifier names no need for ("It's
      // order 88314" — but "Refund please" names one).
      const topicWords = topicWordCount(topical(item.text));
      const namesANeed = !!intent?.intent && intent.confidence >= NEED_CONFIDENCE;
      const smallTalk =
        (intent?.intent === null &&
          intent.confidence >= SMALL_TALK_CONFIDENCE &&
          topicWords <= SMALL_TALK_MAX_TOPIC_WORDS) ||
        topicWords === 0 ||
        (topicWords === 1 && !namesANeed);
      // The connector may not say the language; the language analyzer hears it. Cards are in the
      // conversation's language: an English card on a Mandarin call helps nobody.
      const detected = context.previous.language?.conversationLanguage;
      const language =
        context.conversation.language ?? (detected && detected !== 'und' ? detected : undefined);
      // Past resolutions are compared with the whole conversation so far, as they were learned.
      const resolutionText = context.transcript
        .filter((entry) => entry.kind === 'utterance')
        .map((entry) => topical(entry.text))
        .join('\n');
      const search = (segments: typeof query.segments, vectorText: string, log: boolean) =>
        searchKnowledge(
          {
            db: options.db,
            embedder: options.embedder,
            splitter: options.splitter,
            resolutions: options.resolutions,
          },
          {
            tenantId: context.tenantId,
            query: segments,
            vectorText,
            resolutionText,
            ...(language ? { filters: { language: language.split(/[-_]/)[0]! } } : {}),
            limit: 5,
            log: log ? { source: 'article-cards', storeQueryText: false } : false,
          },
        );
      // The window ranks; the customer's last turn alone is searched too, because a new topic is
      // a small part of a long window and would otherwise look unconfident for several turns.
      const lastText = topical(item.text);
      // The last turn is read in the conversation's context ("anything for the lost day?" in an
      // outage call), at half the topic's weight so that a new topic still leads.
      const searchAlone = (text: string) =>
        search(
          [
            { text, weight: 1 },
            ...(topicSegment ? [{ ...topicSegment, weight: topicSegment.weight / 2 }] : []),
          ],
          text,
          false,
        );
      const [windowResults, ...lastTurnSearches] = await Promise.all([
        search(query.segments, query.vectorText, true),
        ...lastTurnQueries(lastText).map(searchAlone),
      ]);
      context.signal.throwIfAborted();
      const results = lastTurnSearches.reduce(mergeConfidence, windowResults);
      // Only the leader of a search may become a new card. Once the conversation's article is on
      // screen, the runners-up of the same search are its near misses (a plan-change article for
      // "how long does that take?"), not a second need; a new need leads a search. The leader is
      // the first-ranked article (keywords and meaning fused), not the most confident one:
      // confidence is keyword coverage first, and "how long does a refund take" covers the
      // store-pickup article's rare words "long" and "take" better than the refund article's
      // common "refund", while the ranking knows which one is about refunds. Each leader
      // keeps the confidence and passage of the search it leads: a short sentence covers the
      // whole query of several articles, and only its leader is the one it is about.
      const searches = [windowResults, ...lastTurnSearches];
      const leaders = searches.flatMap((ranked) => (ranked[0] ? [ranked[0]] : []));
      // One card per topic: a leader whose topic already has a card on screen may only replace
      // it, and only when it fits what the customer says now better (card-slots.ts).
      const liveIntent = topic && topic.confidence >= MIN_TOPIC_CONFIDENCE ? topic.intent : null;
      const candidates = smallTalk
        ? []
        : searches.flatMap((ranked) => {
            const lead = ranked[0];
            if (
              !lead ||
              lead.confidence < thresholdFor(lead) ||
              lexicalCoincidence(lead) ||
              state.shown.includes(lead.articleId)
            )
              return [];
            const leadTopic = cardTopic(liveIntent, lead);
            const slot = slotFor(state.slots, leadTopic);
            if (slot && !replacesIncumbent(lead, ranked, windowResults, slot)) return [];
            return [{ lead, topic: leadTopic, slot }];
          });
      const chosen = candidates.reduce<(typeof candidates)[number] | undefined>(
        (best, candidate) =>
          best && best.lead.confidence >= candidate.lead.confidence ? best : candidate,
        undefined,
      );
      const fresh = chosen?.lead;
      const top = results[0];
      const leader = fresh ?? mostConfident(leaders);
      const result: ArticleCardsResult = {
        topArticleId: top?.articleId ?? null,
        topConfidence: top ? Number(top.confidence.toFixed(3)) : 0,
        top:
          leader && leader.confidence >= thresholdFor(leader)
            ? {
                articleId: leader.articleId,
                title: leader.title,
                passage: leader.passage,
                confidence: Number(leader.confidence.toFixed(3)),
              }
            : null,
        suggested: fresh?.articleId ?? null,
      };
      if (!chosen || !fresh) return { result, state };
      const suggestionId = randomUUID();
      const event: EventBody = {
        type: 'suggestion',
        seq: item.seq,
        suggestion: {
          kind: 'article',
          suggestionId,
          articleId: fresh.articleId,
          title: fresh.title,
          passage: fresh.passage,
          highlighted: fresh.highlighted,
          score: Number(fresh.confidence.toFixed(3)),
          reason: reasonFor(
            fresh,
            assistMessages(assistLanguage(context.transcript, context.conversation.language)),
          ),
          ...(chosen.slot ? { replacesSuggestionId: chosen.slot.suggestionId } : {}),
        },
      };
      return {
        result,
        events: [event],
        state: {
          shown: [...state.shown, fresh.articleId],
          slots: placeCard(
            state.slots,
            chosen.topic,
            { articleId: fresh.articleId, articleTags: fresh.tags, suggestionId },
            chosen.slot,
          ),
        } satisfies ArticleCardsState,
      };
    },
  });
}
