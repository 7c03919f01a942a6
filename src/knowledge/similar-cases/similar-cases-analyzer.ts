import type { Queryable } from '../../stores/database.js';
import type { EmbeddingModel } from '../../providers/spec/embedding-model.js';
import type { WordSplitter } from '../search-text.js';
import { findSimilarCases, indexCase } from './similar-cases.js';
import { createCaseEncoder } from './case-encoder.js';
import { assistLanguage } from '../../assist/messages/assist-language.js';
import { assistMessages } from '../../assist/messages/assist-messages.js';
import type { ConversationItem } from '../../conversations/types.js';
import { defineAnalyzer, defineFinalizer } from '../../pipeline/analyzer.js';

const customerText = (transcript: readonly ConversationItem[]) =>
  transcript.flatMap((item) =>
    item.kind === 'utterance' && item.speaker === 'customer' ? [item.text] : [],
  );

export interface SimilarCasesState {
  shown: string[];
  searchedAtWords: number;
}

/**
 * The stored state comes back as JSON, maybe from an older version: a malformed field starts
 * afresh (taken as is, `{}` threw on `shown.includes` at every later customer turn).
 */
function readState(state: unknown): SimilarCasesState {
  const raw = (typeof state === 'object' && state !== null ? state : {}) as Record<string, unknown>;
  return {
    shown: Array.isArray(raw.shown)
      ? raw.shown.filter((id): id is string => typeof id === 'string')
      : [],
    searchedAtWords:
      typeof raw.searchedAtWords === 'number' && Number.isFinite(raw.searchedAtWords)
        ? raw.searchedAtWords
        : 0,
  };
}

export interface SimilarCasesResult {
  /** Cases found above the similarity threshold. */
  found: number;
  /** Conversation ids of the cases newly shown to the agent. */
  shown: string[];
}

export interface CaseIndexResult {
  indexed: true;
}

/**
 * Past resolved conversations like this one, with their summary and wrap-up code, so the agent
 * sees how the same problem was solved before. Searched once the customer has said enough, and
 * again when they have said much more (a new topic); a case is never shown twice.
 */
export function createSimilarCasesAnalyzer(options: {
  db: Queryable;
  embedder: EmbeddingModel;
  /** Segments Chinese (jieba), for word counts and for cases the embedder cannot read. */
  splitter: WordSplitter;
  minSimilarity?: number;
  minWords?: number;
}) {
  const encoder = createCaseEncoder({
    embedder: options.embedder,
    splitter: options.splitter,
    minSimilarity: options.minSimilarity ?? 0.6,
  });
  const minWords = options.minWords ?? 12;
  return defineAnalyzer({
    name: 'similar-cases',
    // The case encoder reads any text (keywords where the embedder cannot), but a case is shown by
    // its wrap-up summary, written in English or Chinese.
    languages: ['en', 'zh'],
    reads: [],
    cost: 'heavy',
    skipWhenBehindMs: 2_000,
    async analyze(context) {
      if (context.item.kind !== 'utterance' || context.item.speaker !== 'customer') return null;
      const state = readState(context.state);
      const said = customerText(context.transcript);
      const words = encoder.countWords(said.join('\n'));
      if (words < minWords || (state.searchedAtWords > 0 && words < state.searchedAtWords * 2))
        return null;
      const text = said.slice(-4).join('\n');
      const model = encoder.modelFor(text);
      const cases = await findSimilarCases(options.db, model, {
        tenantId: context.tenantId,
        text,
        excludeConversationId: context.conversation.id,
        limit: 5,
        minSimilarity: encoder.minSimilarityOf(model),
      });
      const messages = assistMessages(
        assistLanguage(context.transcript, context.conversation.language),
      );
      const fresh = cases
        .filter((found) => !state.shown.includes(found.conversationId))
        .slice(0, 2);
      return {
        result: { found: cases.length, shown: fresh.map((found) => found.conversationId) },
        state: {
          shown: [...state.shown, ...fresh.map((found) => found.conversationId)],
          searchedAtWords: words,
        } satisfies SimilarCasesState,
        events: fresh.map((found) => ({
          type: 'suggestion' as const,
          seq: context.item.seq,
          suggestion: {
            kind: 'similar-case' as const,
            suggestionId: `${context.conversation.id}:case:${found.conversationId}`,
            conversationId: found.conversationId,
            summary: found.summary,
            disposition: found.disposition,
            score: Math.round(found.similarity * 1000) / 1000,
            reason: messages.similarCases.reason(
              found.outcome,
              found.endedAt ? found.endedAt.slice(0, 10) : null,
              found.similarity.toFixed(2),
            ),
          },
        })),
      };
    },
  });
}

/** At the end, the conversation becomes a case others can be shown (after summary and disposition). */
export function createCaseIndexFinalizer(options: {
  db: Queryable;
  embedder: EmbeddingModel;
  splitter: WordSplitter;
}) {
  // The same choice of model as the live search, so a case is found by calls in its language.
  const encoder = createCaseEncoder({ ...options, minSimilarity: 0 });
  return defineFinalizer({
    name: 'case-index',
    languages: ['en', 'zh'], // as the analyzer: cases are shown by their summaries
    reads: ['summary', 'disposition'],
    readsLive: [],
    async finalize(context) {
      const said = customerText(context.transcript);
      const summary = context.previous.summary;
      const narrative = summary?.narrative ?? '';
      if (said.length === 0 || narrative === '') return null;
      const disposition = context.previous.disposition?.suggested;
      const outcome = summary?.outcome;
      const caseText = said.slice(0, 4).join('\n');
      await indexCase(options.db, encoder.modelFor(caseText), {
        tenantId: context.tenantId,
        conversationId: context.conversation.id,
        caseText,
        summary: narrative,
        disposition:
          typeof context.conversation.metadata.disposition === 'string'
            ? context.conversation.metadata.disposition
            : typeof disposition === 'string'
              ? disposition
              : null,
        outcome: typeof outcome === 'string' ? outcome : null,
        endedAt: context.conversation.endedAt,
      });
      return { result: { indexed: true } };
    },
  });
}
