import type { ConversationItem } from '../../conversations/types.js';
import type { ChatMessage } from '../../providers/spec/chat-model.js';
import { fillSlots, loadPrompt } from '../../prompts/prompt-template.js';

/** A passage an answer may draw on and cite: the article it comes from, as the search found it. */
export interface AnswerPassage {
  articleId: string;
  title: string;
  passage: string;
  highlighted: string;
  confidence: number;
}

// v2: the answer's language is the question's, whatever the passages' (a Chinese example).
export const answerPromptVersion = 'answer-question.v2';

export function loadAnswerPrompt(): Promise<string> {
  return loadPrompt(answerPromptVersion);
}

/** Customer text must not close our delimiters and smuggle in instructions outside them. */
function asData(text: string): string {
  return text.replace(/<\/?\s*(customer_question|passages)\s*>/gi, '[removed tag]');
}

/** Each passage under its article id, the id the model must cite. */
export function buildAnswerMessages(
  template: string,
  passages: readonly AnswerPassage[],
  question: ConversationItem & { kind: 'utterance' },
): ChatMessage[] {
  const listed = passages
    .map(
      (p) =>
        `[${p.articleId}] "${p.title}": ${asData(p.passage.replace(/\s+/g, ' ').trim().slice(0, 800))}`,
    )
    .join('\n\n');
  return [
    {
      role: 'user',
      content: fillSlots(template, { passages: listed, question: asData(question.text) }),
    },
  ];
}
