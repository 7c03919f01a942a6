import type { Citation } from '../../conversations/events.js';
import type { ConversationItem } from '../../conversations/types.js';
import type { ChatMessage } from '../../providers/spec/chat-model.js';
import { fillSlots, loadPrompt } from '../../prompts/prompt-template.js';
import { contentTokens } from '../../wrap-up/text/text.js';
import { majorityLanguage } from '../../text/chinese-script.js';
import type { AssistLanguage } from '../messages/assist-language.js';
import { assistMessages } from '../messages/assist-messages.js';

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

const sentencePattern = /[^.!?。！？]+[.!?。！？]*/g;

/** Words to compare a sentence with the customer's turn; CJK text by character pairs. */
function matchUnits(text: string): Set<string> {
  const units = new Set(contentTokens(text));
  for (const run of text.match(/[\u3400-\u9fff]+/g) ?? [])
    for (let i = 0; i + 1 < run.length; i++) units.add(run.slice(i, i + 2));
  return units;
}

/** A sentence that can stand alone in a reply: not a cut-off fragment or a bare heading. */
function standsAlone(sentence: string): boolean {
  if (sentence.startsWith('…')) return false;
  if (/[\u3400-\u9fff]/.test(sentence)) return sentence.length >= 6;
  return sentence.split(/\s+/).length >= 5;
}

/**
 * The sentences of a passage that best answer the customer's turn, in passage order, up to about
 * `maxChars`: the sentence sharing most words with the turn, then its neighbour when there is
 * room. Without a turn (or no shared word) the passage's first full sentences.
 */
export function supportingSentences(passage: string, turn = '', maxChars = 220): string {
  const clean = passage
    .replace(/<\/?mark>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const sentences = (clean.match(sentencePattern) ?? [clean]).map((s) => s.trim());
  const candidates = sentences
    .map((text, index) => ({ text, index }))
    .filter((entry) => standsAlone(entry.text));
  if (candidates.length === 0) return clean.slice(0, maxChars).trim();
  const wanted = matchUnits(turn);
  const overlap = (text: string) => [...matchUnits(text)].filter((u) => wanted.has(u)).length;
  const best = candidates.reduce((a, b) => (overlap(b.text) > overlap(a.text) ? b : a));
  const chosen = [best];
  const next = candidates.find((entry) => entry.index === best.index + 1);
  if (next && best.text.length + next.text.length + 1 <= maxChars) chosen.push(next);
  // Chinese sentences follow each other without a space.
  const text = chosen
    .map((entry) => entry.text)
    .join(majorityLanguage([clean]) === 'zh' ? '' : ' ');
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1).trimEnd()}…`;
}

/** Whether the agent could say `text` to a customer served in `language`. */
function speaks(text: string, language: AssistLanguage): boolean {
  return (majorityLanguage([text]) ?? language) === language;
}

/**
 * The offline reply: the step's phrase and/or the article's lead sentences, with the source cited,
 * in the language the agent is serving the customer in. A passage or phrase in another language
 * (a tenant playbook without a Chinese phrase) is left out: the agent cannot read it out as is.
 */
export function draftTemplateReply(
  grounding: ReplyGrounding,
  customerTurn = '',
  language: AssistLanguage = 'en',
): TemplateReply | undefined {
  const text = assistMessages(language).replies;
  const parts: string[] = [];
  const reasons: string[] = [];
  const citations: Citation[] = [];
  if (grounding.article && speaks(grounding.article.passage.replace(/<\/?mark>/g, ''), language)) {
    const lead = supportingSentences(grounding.article.passage, customerTurn);
    parts.push(lead);
    citations.push({
      articleId: grounding.article.articleId,
      title: grounding.article.title,
      passage: lead,
    });
    reasons.push(text.fromArticle(grounding.article.title));
  }
  if (grounding.step?.phrase && speaks(grounding.step.phrase, language)) {
    parts.push(grounding.step.phrase);
    reasons.push(text.toNextStep(grounding.step.title));
  }
  if (parts.length === 0) return undefined;
  return { text: parts.join(text.separator), citations, reason: text.reason(reasons) };
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
    ? `"${grounding.article.title}": ${grounding.article.passage
        .replace(/<\/?mark>/g, '')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 800)}`
    : 'none';
  const content = fillSlots(template, {
    next_step: step,
    article,
    recent_turns: turns || '(none)',
    customer_message: asData(customerMessage),
  });
  return [{ role: 'user', content }];
}
