import { renderPrompt } from '../../prompts/prompt-template.js';
import { z } from 'zod';
import type { ConversationItem } from '../../conversations/types.js';
import type { ChatModel } from '../../providers/spec/chat-model.js';
import { majorityLanguage } from '../../text/chinese-script.js';
import { chineseSummary } from './chinese-summary.js';
import { narrativeSummary } from './narrative.js';
import {
  roleOf,
  structuredSummary,
  type StructuredActionItem,
  type StructuredSummary,
} from './structured.js';

export const summaryPromptVersion = 'summary.v1';
/** A Chinese call gets Chinese instructions: an English prompt draws an English note. */
export const chineseSummaryPromptVersion = 'summary-zh.v1';

export interface ConversationSummary extends StructuredSummary {
  narrative: string;
  /** Which path wrote it; `offline` also when the LLM failed and we fell back. */
  source: 'offline' | 'llm';
  promptVersion: string | null;
  /** Why the LLM path was not used, when it was configured (error code only, never content). */
  fallbackReason?: string;
}

export interface SummarizeOptions {
  chatModel?: ChatModel | undefined;
  signal?: AbortSignal | undefined;
  now?: Date;
  /** The conversation's declared language; the transcript decides when it has customer text. */
  language?: string | null | undefined;
}

function utteranceTurns(
  transcript: readonly ConversationItem[],
): { seq: number; speaker: string; text: string }[] {
  return transcript.flatMap((item) =>
    item.kind === 'utterance' && item.text.trim() !== ''
      ? [{ seq: item.seq, speaker: item.speaker, text: item.text }]
      : [],
  );
}

function actionItems(transcript: readonly ConversationItem[]): StructuredActionItem[] {
  return transcript.flatMap((item) =>
    item.kind === 'action' ? [{ seq: item.seq, action: item.action, data: item.data }] : [],
  );
}

/**
 * The language a summary is written in: that of most of the customer's text (a mixed call follows
 * its customer), else of the whole transcript, else the declared one. Connectors often declare
 * nothing, or a tenant default that is wrong for this call, so the words said come first.
 */
export function summaryLanguage(
  turns: readonly { speaker: string; text: string }[],
  declared?: string | null,
): 'zh' | 'en' {
  const customer = turns.filter((turn) => roleOf(turn.speaker) === 'customer');
  const detected =
    majorityLanguage(customer.map((turn) => turn.text)) ??
    majorityLanguage(turns.map((turn) => turn.text));
  return detected ?? (declared?.toLowerCase().startsWith('zh') ? 'zh' : 'en');
}

/** The offline summary: extractive-compressive narrative + rule-based structured fields. */
export function summarizeOffline(
  transcript: readonly ConversationItem[],
  now: Date = new Date(),
  language?: string | null,
): ConversationSummary {
  const turns = utteranceTurns(transcript);
  if (summaryLanguage(turns, language) === 'zh')
    return {
      ...chineseSummary(turns, now, actionItems(transcript)),
      source: 'offline',
      promptVersion: null,
    };
  return {
    narrative: narrativeSummary(turns),
    ...structuredSummary(turns, now, actionItems(transcript)),
    source: 'offline',
    promptVersion: null,
  };
}

const llmReply = z.object({
  narrative: z.string().min(1),
  reason: z.string().nullable().optional(),
  actions: z.array(z.string()).optional(),
  outcome: z.string().optional(),
});

function outcomeOf(
  text: string | undefined,
  fallback: StructuredSummary['outcome'],
): StructuredSummary['outcome'] {
  const lower = (text ?? '').toLowerCase();
  if (lower.startsWith('unresolved')) return 'unresolved';
  if (lower.startsWith('escalated')) return 'escalated';
  if (lower.startsWith('follow')) return 'follow-up';
  if (lower.startsWith('resolved')) return 'resolved';
  return fallback;
}

/**
 * Summarizes a conversation so far (mid-call on demand, or at the end). With a chat model the
 * narrative and fields come from the LLM (prompt `prompts/summary.v1.md`, or
 * `prompts/summary-zh.v1.md` for a Chinese call); any failure — network,
 * timeout, unparsable reply — falls back to the offline summary, so wrap-up never blocks on it.
 * Follow-up tasks always come from the offline extractor, whose dates are resolved and checkable.
 */
export async function summarizeConversation(
  transcript: readonly ConversationItem[],
  options: SummarizeOptions = {},
): Promise<ConversationSummary> {
  const offline = summarizeOffline(transcript, options.now, options.language);
  if (!options.chatModel) return offline;
  try {
    const lines = utteranceTurns(transcript).map(
      (turn) => `[${turn.seq}] ${turn.speaker}: ${turn.text}`,
    );
    const version =
      summaryLanguage(utteranceTurns(transcript), options.language) === 'zh'
        ? chineseSummaryPromptVersion
        : summaryPromptVersion;
    const prompt = await renderPrompt(version, { transcript: lines.join('\n') });
    const { text } = await options.chatModel.generate({
      messages: [{ role: 'user', content: prompt }],
      temperature: 0,
      maxTokens: 400,
      signal: options.signal,
    });
    const json = /\{[\s\S]*\}/.exec(text)?.[0];
    const parsed = llmReply.safeParse(json === undefined ? null : JSON.parse(json));
    if (!parsed.success) return { ...offline, fallbackReason: 'llm_reply_invalid' };
    return {
      ...offline,
      narrative: parsed.data.narrative.trim(),
      reason: parsed.data.reason ?? offline.reason,
      actions: parsed.data.actions ?? offline.actions,
      outcome: outcomeOf(parsed.data.outcome, offline.outcome),
      source: 'llm',
      promptVersion: version,
    };
  } catch (error) {
    return {
      ...offline,
      fallbackReason: error instanceof SyntaxError ? 'llm_reply_invalid' : 'llm_unavailable',
    };
  }
}
