import { randomUUID } from 'node:crypto';
import type { LlmUsageStore } from './llm-usage-store.js';
import {
  buildReplyMessages,
  draftTemplateReply,
  loadReplyPrompt,
  replyPromptVersion,
  type ReplyGrounding,
  type TemplateReply,
} from './reply-drafting.js';
import type { EventBody, Suggestion } from '../../conversations/events.js';
import { assistLanguage, type AssistLanguage } from '../messages/assist-language.js';
import type { AnswersResult } from '../../knowledge/answers/answers-analyzer.js';
import { majorityLanguage } from '../../text/chinese-script.js';
import { assistMessages } from '../messages/assist-messages.js';
import type { ChatModel } from '../../providers/spec/chat-model.js';
import { defineAnalyzer, type AnalyzerContext } from '../../pipeline/analyzer.js';

/**
 * Suggests the agent's next message after each customer turn, grounded in the playbook's next
 * step (`previous.playbook`) and the top knowledge article (`previous['article-cards']`), with
 * the source cited. Offline it is a template; with a chat model the reply is streamed as
 * `reply-start` / `reply-delta` / `reply-end`, and any failure ends with the template instead,
 * so the agent always gets a usable suggestion.
 */
export interface RepliesAnalyzerOptions {
  chatModel?: ChatModel | undefined;
  /** Deadline for the LLM reply; the analyzer's own timeout leaves room for the fallback. */
  llmTimeoutMs?: number;
  usage?: LlmUsageStore | undefined;
}

type RepliesReads = 'playbook' | 'article-cards' | 'intent' | 'answers';

export interface RepliesResult {
  replyId: string;
  source: 'template' | 'llm';
  promptVersion?: string;
  /** Why the LLM's reply was replaced by the template (error code only). */
  fallbackReason?: string | null;
  /** The model answer this reply repeats, instead of a second model call for the same question. */
  fromAnswer?: string;
}

export interface RepliesState {
  /** The last template suggested: the same one twice in a row tells the agent nothing new. */
  lastTemplate?: string;
}

/** Reads what earlier analyzers found; both inputs are optional. */
export function readGrounding(previous: AnalyzerContext<RepliesReads>['previous']): ReplyGrounding {
  const playbook = previous.playbook;
  const stepTitle = playbook?.nextStepTitle;
  // "Thanks, bye" or "It's [EMAIL]" ask nothing an article answers: the intent classifier calls
  // such turns out of scope (null), and a reply quoting the article again would be noise.
  const asksSomething = previous.intent?.intent !== null;
  const article = asksSomething ? previous['article-cards']?.top : undefined;
  return {
    step: stepTitle ? { title: stepTitle, phrase: playbook.nextStepPhrase } : undefined,
    article: article?.passage.trim()
      ? { articleId: article.articleId, title: article.title, passage: article.passage }
      : undefined,
  };
}

/**
 * The reply to a question the model just answered, citations checked: that answer, then the
 * playbook's next step as the template would say it. One model call per question, not two; when
 * the answer was refused the reply asks the model itself (it says what the agent can do instead).
 */
function answerReply(
  answers: AnswersResult | undefined,
  grounding: ReplyGrounding,
  language: AssistLanguage,
): TemplateReply | undefined {
  if (answers?.source !== 'llm' || answers.refused || !answers.answer) return undefined;
  const text = assistMessages(language).replies;
  // A step phrase in another language (a tenant playbook without a Chinese one) is left out.
  const phrase = grounding.step?.phrase;
  const step =
    phrase && (majorityLanguage([phrase]) ?? language) === language ? grounding.step : undefined;
  const titles = answers.answer.citations.map((citation) => citation.title);
  return {
    text: [answers.answer.text, ...(step?.phrase ? [step.phrase] : [])].join(text.separator),
    citations: answers.answer.citations,
    reason: text.reason([
      ...titles.map((title) => text.fromArticle(title)),
      ...(step ? [text.toNextStep(step.title)] : []),
    ]),
  };
}

function replySuggestion(
  reply: TemplateReply,
  source: 'template' | 'llm',
  suggestionId: string,
): Suggestion {
  return {
    kind: 'reply',
    suggestionId,
    text: reply.text,
    source,
    citations: reply.citations,
    reason: reply.reason,
  };
}

export function createRepliesAnalyzer(options: RepliesAnalyzerOptions = {}) {
  const llmTimeoutMs = options.llmTimeoutMs ?? 8_000;
  return defineAnalyzer({
    name: 'replies',
    languages: ['en', 'zh'], // grounded in playbooks and cards of these languages
    // 'answers' runs first: a question it answered with the model needs no second model call.
    reads: ['playbook', 'article-cards', 'intent', 'answers'],
    ...(options.chatModel ? { cost: 'heavy' as const } : {}),
    accepts: ['utterance'],
    ...(options.chatModel ? { timeoutMs: llmTimeoutMs + 1_000 } : {}),
    async analyze(context) {
      const { item } = context;
      if (item.kind !== 'utterance' || item.speaker !== 'customer') return null;
      const grounding = readGrounding(context.previous);
      const language = assistLanguage(context.transcript, context.conversation.language);
      const text = assistMessages(language).replies;
      const template = draftTemplateReply(grounding, item.text, language);
      const replyId = randomUUID();

      if (!options.chatModel) {
        if (!template) return null;
        // The same template twice in a row tells the agent nothing new: suggest it once.
        const last = (context.state as RepliesState | undefined)?.lastTemplate;
        if (last === template.text) return null;
        return {
          state: { lastTemplate: template.text },
          result: { replyId, source: 'template' },
          events: [
            {
              type: 'suggestion',
              seq: item.seq,
              suggestion: replySuggestion(template, 'template', replyId),
            },
          ],
        };
      }

      const answered = answerReply(context.previous.answers, grounding, language);
      if (answered) {
        return {
          result: {
            replyId,
            source: 'llm',
            promptVersion: context.previous.answers?.promptVersion,
            fromAnswer: context.previous.answers?.answerId,
          },
          events: [
            {
              type: 'suggestion',
              seq: item.seq,
              suggestion: replySuggestion(answered, 'llm', replyId),
            },
          ],
        };
      }

      const collected: EventBody[] = [];
      const publish = (event: EventBody) =>
        context.emit ? context.emit(event) : collected.push(event);
      publish({ type: 'reply-start', replyId, seq: item.seq });
      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(llmTimeoutMs)]);
      let source: 'template' | 'llm' = 'llm';
      let fallbackReason: string | null = null;
      let final: TemplateReply | undefined;
      try {
        const messages = buildReplyMessages(
          await loadReplyPrompt(),
          grounding,
          context.transcript,
          item.text,
        );
        for await (const part of options.chatModel.stream({
          messages,
          maxTokens: 160,
          temperature: 0.3,
          signal,
        })) {
          if (part.type === 'text-delta')
            publish({ type: 'reply-delta', replyId, delta: part.delta });
          else {
            const reason =
              grounding.article || grounding.step
                ? (template?.reason ?? '')
                : text.fromConversation;
            final = { text: part.text.trim(), citations: template?.citations ?? [], reason };
            await options.usage?.record({
              tenantId: context.tenantId,
              feature: 'suggest-reply',
              model: options.chatModel.id,
              usage: part.usage,
            });
          }
        }
        if (!final?.text) throw new Error('empty reply');
      } catch (error) {
        // The preview the agent saw is replaced by the template in reply-end.
        source = 'template';
        fallbackReason = (error as { code?: string }).code ?? 'llm_failed';
        final = template;
      }
      if (!final) {
        // Nothing to fall back to: close the preview with an empty, clearly labelled reply.
        final = {
          text: '',
          citations: [],
          reason: text.none,
        };
      }
      publish({ type: 'reply-end', replyId, suggestion: replySuggestion(final, source, replyId) });
      return {
        result: { replyId, source, promptVersion: replyPromptVersion, fallbackReason },
        events: collected,
      };
    },
  });
}
