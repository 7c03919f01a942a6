import type { ChatModel } from '../../providers/spec/chat-model.js';
import { summarizeConversation, type ConversationSummary } from './summarize.js';

/**
 * The generated summary; once the agent saved their own text, stored reads (QA, webhooks) carry it
 * as `agentEdit` beside the generated one (src/wrap-up/summary/summary-edits.ts).
 */
export type SummaryResult = ConversationSummary & { agentEdit?: SummaryEdit };
import type { SummaryEdit } from './summary-edits.js';
import { defineFinalizer } from '../../pipeline/analyzer.js';

/** Writes the wrap-up summary when a conversation ends; later finalizers see it as `previous.summary`. */
export function createSummaryFinalizer(
  options: { chatModel?: ChatModel | undefined; now?: () => Date } = {},
) {
  return defineFinalizer({
    name: 'summary',
    languages: ['en', 'zh'], // English and Chinese notes
    reads: [],
    readsLive: [],
    timeoutMs: options.chatModel ? 20_000 : 5_000,
    async finalize(context) {
      const summary = await summarizeConversation(context.transcript, {
        chatModel: options.chatModel,
        signal: context.signal,
        language: context.conversation.language,
        now: options.now?.() ?? new Date(context.conversation.endedAt ?? Date.now()),
      });
      return { result: summary };
    },
  });
}
