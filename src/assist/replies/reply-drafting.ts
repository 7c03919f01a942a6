import type { Citation } from '../../conversations/events.js';
import type { ConversationItem } from '../../conversations/types.js';
import type { ChatMessage } from '../../providers/spec/chat-model.js';
import { fillSlots, loadPrompt } from '../../prompts/prompt-template.js';

/**
 * What a suggested reply is grounded in: the playbook's next step and the best knowledge
 * article. Both are optional; with neither there is nothing trustworthy to say offline.
 */
export interface ReplyGrounding {
  step?: { title: string; phrase: string | null } | undefined;
  article?: { articleId: string; title: string; passage: string } | undefined;
}

export interface TemplateReply {
  text: string;
  citations: Citation[];
  reason: string;
}

export const replyPromptVersion = 'suggest-reply.v1';

export function loadReplyPrompt(): Promise<string> {
  return loadPrompt(replyPromptVersion);
}

/** The first sentences of a passage, up to about `maxChars`, never cut inside a sentence when avoidable. */
export function leadSentences(passage: string, maxChars = 220): string {
  const clean = passage
    .replace(/<\/?mark>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const sentences = clean.match(/[^.!?。!?]+[.!?。!?]*/g) ?? [clean];
  let text = '';
  for (const sentence of sentences) {
    if (text && text.length + sentence.length > maxChars) break;
    text += sentence;
  }
  return (text || clean.slice(0, maxChars)).trim();
}

/** The offline reply: the step's phrase and/or the article's lead sentences, with the source cited. */
export function draftTemplateReply(grounding: ReplyGrounding): TemplateReply | undefined {
  const parts: string[] = [];
  const reasons: string[] = [];
  const citations: Citation[] = [];
  if (grounding.article) {
    const lead = leadSentences(grounding.article.passage);
    parts.push(lead);
    citations.push({
      articleId: grounding.article.articleId,
      title: grounding.article.title,
      passage: lead,
    });
    reasons.push(`from the article "${grounding.article.title}"`);
  }
  if (grounding.step?.phrase) {
    parts.push(grounding.step.phrase);
    reasons.push(`moves to the next step "${grounding.step.title}"`);
  }
  if (parts.length === 0) return undefined;
  return { text: parts.join(' '), citations, reason: `Suggested reply ${reasons.join(' and ')}.` };
}

/** Customer text must not close our delimiters and smuggle in instructions outside them. */
function asData(text: string): string {
  return text.replace(/<\/?\s*(customer_message|conversation)\s*>/gi, '[removed tag]');
}

export function buildReplyMessages(
  template: string,
  grounding: ReplyGrounding,
  transcript: readonly ConversationItem[],
  customerMessage: string,
  recentTurns = 6,
): ChatMessage[] {
  const turns = transcript
    .filter((item) => item.kind === 'utterance')
    .slice(-recentTurns - 1, -1)
    .map((item) => `${item.speaker}: ${asData(item.text)}`)
    .join('\n');
  const step = grounding.step
    ? `${grounding.step.title}${grounding.step.phrase ? ` (for example: "${grounding.step.phrase}")` : ''}`
    : 'none';
  const article = grounding.article
    ? `"${grounding.article.title}": ${leadSentences(grounding.article.passage, 800)}`
    : 'none';
  const content = fillSlots(template, {
    next_step: step,
    article,
    recent_turns: turns || '(none)',
    customer_message: asData(customerMessage),
  });
  return [{ role: 'user', content }];
}
