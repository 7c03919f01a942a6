import { randomUUID } from 'node:crypto';
import { assistLanguage } from '../../assist/messages/assist-language.js';
import { assistMessages, type AssistMessages } from '../../assist/messages/assist-messages.js';
import type { LlmUsageStore } from '../../assist/replies/llm-usage-store.js';
import type { Citation, EventBody, Suggestion } from '../../conversations/events.js';
import { defineAnalyzer, type AnalyzerContext } from '../../pipeline/analyzer.js';
import type { ChatModel } from '../../providers/spec/chat-model.js';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import type { Queryable } from '../../stores/database.js';
import { majorityLanguage } from '../../text/chinese-script.js';
import { redactionTokenPattern } from '../../understanding/pii/redact.js';
import { searchKnowledge, type SearchResult } from '../search.js';
import type { WordSplitter } from '../search-text.js';
import {
  answerPromptVersion,
  buildAnswerMessages,
  loadAnswerPrompt,
  type AnswerPassage,
} from './answer-passages.js';
import { checkCitations } from './cited-claims.js';
import { isQuestion } from './is-question.js';
import { supportingSentences } from './supporting-sentences.js';

/**
 * Answers the customer's question from the knowledge base, for the agent to read out or adapt.
 * Offline: the sentences of the top passage that answer it, the question's words highlighted.
 * With a chat model: a short answer streamed as `reply-start` / `reply-delta` / `reply-end`
 * (suggestionKind 'answer'), in which every claim must cite an article it was given; claims
 * citing nothing it was given are dropped, and with nothing left the answer is a refusal.
 *
 * A separate analyzer, not a mode of `replies`: a reply always gives the agent something to say
 * (its template is the fallback), while an answer must refuse rather than say what no article
 * backs; and it searches the question itself, not the conversation's topic the cards follow.
 */
export interface AnswersOptions {
  db: Queryable;
  embedder: EmbeddingModel | null;
  splitter: WordSplitter;
  chatModel?: ChatModel | undefined;
  llmTimeoutMs?: number | undefined;
  usage?: LlmUsageStore | undefined;
  /** Below this search confidence a passage does not ground an answer (the cards' bar). */
  minConfidence?: number;
  /** Passages handed to the model. */
  maxPassages?: number;
}

export interface AnswersResult {
  answerId: string;
  source: 'extract' | 'llm';
  refused: boolean;
  /** The articles the answer cites, after invented citations are dropped. */
  citedArticleIds: string[];
  /** What the grounding check removed from the model's answer. */
  dropped: { inventedCitations: number; uncitedClaims: number };
  promptVersion?: string;
  /** Why the model's answer was replaced by the extract (error code only). */
  fallbackReason?: string | null;
  /**
   * The model's answer after the citation check, when it gave one: the suggested reply reads it
   * rather than asking the model a second time about the same question.
   */
  answer?: { text: string; citations: Citation[] };
}

/** Nothing is carried between turns: each question is answered on its own. */
export type AnswersState = Record<string, never>;

type AnswersReads = 'intent' | 'language';

/** An out-of-scope verdict this sure means the turn is small talk ("how are you?"). */
const SMALL_TALK_CONFIDENCE = 0.85;
/** Keyword-only confidence (no vector score) runs lower for the same relevance (see article-cards). */
const KEYWORD_ONLY_SCALE = 0.8;
const MIN_SIMILARITY = 0.1;
/** The conversation's intent must be this sure to join the query (the cards' bar). */
const MIN_TOPIC_CONFIDENCE = 0.4;

const topical = (text: string): string => text.replace(redactionTokenPattern, ' ');

function searchLanguage(context: AnalyzerContext<AnswersReads>): string | undefined {
  const detected = context.previous.language?.conversationLanguage;
  const language =
    context.conversation.language ?? (detected && detected !== 'und' ? detected : undefined);
  return language?.split(/[-_]/)[0];
}

function citationsFor(ids: readonly string[], passages: readonly AnswerPassage[]): Citation[] {
  return ids.flatMap((id) => {
    const passage = passages.find((p) => p.articleId === id);
    return passage ? [{ articleId: id, title: passage.title }] : [];
  });
}

function refusal(
  answerId: string,
  messages: AssistMessages,
  source: 'extract' | 'llm' = 'extract',
): Suggestion {
  return {
    kind: 'answer',
    suggestionId: answerId,
    text: messages.answers.refusal,
    claims: [],
    source,
    refused: true,
    citations: [],
    reason: messages.answers.refusal,
  };
}

/** The offline answer from the top passage, or null when no sentence of it meets the question. */
function extractAnswer(
  answerId: string,
  question: string,
  passages: readonly AnswerPassage[],
  messages: AssistMessages,
): Suggestion | null {
  const top = passages[0];
  const sentences = top && supportingSentences(top.passage, question);
  if (!top || !sentences) return null;
  return {
    kind: 'answer',
    suggestionId: answerId,
    text: sentences.text,
    highlighted: sentences.highlighted,
    claims: [{ text: sentences.text, articleIds: [top.articleId] }],
    source: 'extract',
    refused: false,
    citations: [{ articleId: top.articleId, title: top.title, passage: sentences.text }],
    reason: messages.answers.extracted(top.title),
  };
}

export function createAnswersAnalyzer(options: AnswersOptions) {
  const minConfidence = options.minConfidence ?? 0.25;
  const maxPassages = options.maxPassages ?? 3;
  const llmTimeoutMs = options.llmTimeoutMs ?? 8_000;
  const supports = (result: SearchResult) =>
    result.confidence >=
      (result.vectorSimilarity === null ? minConfidence * KEYWORD_ONLY_SCALE : minConfidence) &&
    // Shared words, different meaning: the encoder finds the passage unrelated.
    !(result.vectorSimilarity !== null && result.vectorSimilarity < MIN_SIMILARITY);

  return defineAnalyzer({
    name: 'answers',
    // Question cues, sentence splitting and word matching exist for English and Chinese.
    languages: ['en', 'zh'],
    reads: ['intent', 'language'],
    accepts: ['utterance'],
    cost: 'heavy',
    // An answer to a question the conversation has moved past is noise; under load, skip it.
    skipWhenBehindMs: 1_500,
    maxConcurrent: 1,
    ...(options.chatModel ? { timeoutMs: llmTimeoutMs + 3_000 } : {}),
    async analyze(context) {
      const { item } = context;
      if (item.kind !== 'utterance' || item.speaker !== 'customer') return null;
      if (!isQuestion(item.text)) return null;
      const intent = context.previous.intent;
      if (intent?.intent === null && intent.confidence >= SMALL_TALK_CONFIDENCE) return null;
      const question = topical(item.text);
      const language = searchLanguage(context);
      // "How long will it take?" leans on what the call is about: the conversation's intent
      // joins the query in the knowledge base's own words, as it does for cards. Intent names
      // are English: a Chinese article never contains them, and they would only dilute the
      // keyword coverage a Chinese passage is judged by.
      const topic = intent?.conversation;
      const query = [
        { text: question, weight: 1 },
        ...(topic &&
        topic.confidence >= MIN_TOPIC_CONFIDENCE &&
        majorityLanguage([question]) !== 'zh'
          ? [{ text: topic.intent.replace(/[_-]+/g, ' '), weight: topic.confidence }]
          : []),
      ];
      const results = await searchKnowledge(
        { db: options.db, embedder: options.embedder, splitter: options.splitter },
        {
          tenantId: context.tenantId,
          query,
          vectorText: question,
          ...(language ? { filters: { language } } : {}),
          limit: maxPassages,
          log: false,
        },
      );
      context.signal.throwIfAborted();
      const passages: AnswerPassage[] = results.filter(supports).map((result) => ({
        articleId: result.articleId,
        title: result.title,
        passage: result.passage,
        highlighted: result.highlighted,
        confidence: result.confidence,
      }));
      const messages = assistMessages(
        assistLanguage(context.transcript, context.conversation.language),
      );
      const answerId = randomUUID();
      const finish = (suggestion: Suggestion, result: Omit<AnswersResult, 'answerId'>) => ({
        result: { answerId, ...result },
        state: {} satisfies AnswersState,
        events: [{ type: 'suggestion', seq: item.seq, suggestion } satisfies EventBody],
      });
      const extract = extractAnswer(answerId, question, passages, messages);
      const none = { inventedCitations: 0, uncitedClaims: 0 };

      if (!options.chatModel || passages.length === 0) {
        const suggestion = extract ?? refusal(answerId, messages);
        return finish(suggestion, {
          source: 'extract',
          refused: suggestion.kind === 'answer' && suggestion.refused,
          citedArticleIds: extract ? [passages[0]!.articleId] : [],
          dropped: none,
        });
      }

      const collected: EventBody[] = [];
      const publish = (event: EventBody) =>
        context.emit ? context.emit(event) : collected.push(event);
      publish({ type: 'reply-start', replyId: answerId, seq: item.seq, suggestionKind: 'answer' });
      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(llmTimeoutMs)]);
      let suggestion: Suggestion;
      let result: Omit<AnswersResult, 'answerId'>;
      try {
        let text = '';
        const request = buildAnswerMessages(await loadAnswerPrompt(), passages, item);
        for await (const part of options.chatModel.stream({
          messages: request,
          maxTokens: 220,
          temperature: 0,
          signal,
        })) {
          if (part.type === 'text-delta')
            publish({ type: 'reply-delta', replyId: answerId, delta: part.delta });
          else {
            text = part.text;
            await options.usage?.record({
              tenantId: context.tenantId,
              feature: 'answer-question',
              model: options.chatModel.id,
              usage: part.usage,
            });
          }
        }
        const checked = checkCitations(text, new Set(passages.map((p) => p.articleId)));
        const cited = [...new Set(checked.claims.flatMap((claim) => claim.articleIds))];
        const dropped = {
          inventedCitations: checked.inventedCitations,
          uncitedClaims: checked.uncitedClaims,
        };
        const base = { source: 'llm' as const, promptVersion: answerPromptVersion, dropped };
        if (checked.claims.length === 0) {
          suggestion = refusal(answerId, messages, 'llm');
          result = { ...base, refused: true, citedArticleIds: [] };
        } else {
          const citations = citationsFor(cited, passages);
          suggestion = {
            kind: 'answer',
            suggestionId: answerId,
            // Chinese sentences follow each other without a space.
            text: checked.claims
              .map((claim) => claim.text)
              .join(/[\u3400-\u9fff]/.test(text) ? '' : ' '),
            claims: checked.claims,
            source: 'llm',
            refused: false,
            citations,
            reason: messages.answers.fromArticles(citations.map((c) => c.title)),
          };
          result = {
            ...base,
            refused: false,
            citedArticleIds: cited,
            answer: { text: suggestion.text, citations },
          };
        }
      } catch (error) {
        // The preview the agent saw is replaced by the extract (or a refusal) in reply-end.
        suggestion = extract ?? refusal(answerId, messages);
        result = {
          source: 'extract',
          refused: !extract,
          citedArticleIds: extract ? [passages[0]!.articleId] : [],
          dropped: none,
          promptVersion: answerPromptVersion,
          fallbackReason: (error as { code?: string }).code ?? 'llm_failed',
        };
      }
      publish({ type: 'reply-end', replyId: answerId, suggestion });
      return {
        result: { answerId, ...result },
        state: {} satisfies AnswersState,
        events: collected,
      };
    },
  });
}
