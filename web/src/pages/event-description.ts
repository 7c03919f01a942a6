import type { AnalyzerResults, CuecardEvent, FinalizerResults } from '../live/types.js';
import { describeHelpEvent } from '../escalation/help-view.js';
import { humanize, languageName, notAvailableIn } from '../format.js';

/** What each live stage did for a turn, in words a supervisor reads (never the stage's code name). */
const ANALYZER_WORDS: Record<keyof AnalyzerResults, string> = {
  language: 'language detected',
  sentiment: 'mood scored',
  intent: 'intent recognised',
  playbook: 'next steps checked',
  alerts: 'alerts checked',
  'customer-health': 'churn risk and CSAT estimated',
  'article-cards': 'articles matched',
  replies: 'reply drafted',
  answers: 'answer looked up',
  'similar-cases': 'similar cases looked up',
};

const WRAPUP_WORDS: Record<keyof FinalizerResults, string> = {
  summary: 'summary written',
  disposition: 'wrap-up code suggested',
  'follow-ups': 'follow-ups found',
  'repeat-contact': 'repeat contact checked',
  churn: 'churn risk scored',
  qa: 'QA scored',
  disclosures: 'disclosures checked',
  'case-index': 'kept as a similar case',
};

const SUGGESTION_NOUNS: Record<string, string> = {
  article: 'article',
  'next-step': 'next step',
  reply: 'reply',
  answer: 'answer',
  'similar-case': 'similar case',
};

const VERDICT_WORDS: Record<string, string> = {
  helpful: 'marked helpful',
  not_helpful: 'marked not helpful',
  used: 'used',
  dismissed: 'dismissed',
};

/** "an answer", "a reply": the article English needs before a noun. */
function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

function analysisWords(event: Extract<CuecardEvent, { type: 'analysis' }>): string {
  const words = ANALYZER_WORDS[event.analyzer] ?? humanize(event.analyzer).toLowerCase();
  if ('unsupported_language' in event.result)
    return `${words}: ${notAvailableIn(event.result.unsupported_language.language).toLowerCase()}`;
  if (event.analyzer === 'language' && 'language' in event.result)
    return `${words}: ${languageName(event.result.language)}`;
  if (event.analyzer === 'sentiment' && 'label' in event.result)
    return `${words}: ${event.result.label}`;
  return words;
}

function feedbackWords(
  feedback: Extract<CuecardEvent, { type: 'feedback' }>['feedback'],
  titles: ReadonlyMap<string, string>,
): string {
  const verdict = VERDICT_WORDS[feedback.verdict] ?? humanize(feedback.verdict).toLowerCase();
  const title =
    feedback.articleTitle ?? (feedback.articleId ? titles.get(feedback.articleId) : undefined);
  const named = title ? ` “${title}”` : '';
  // An article found by typed search was never suggested: say so rather than "a suggestion".
  if (!feedback.suggestionId) return `Agent ${verdict} the article${named}, found by search`;
  const noun = SUGGESTION_NOUNS[feedback.kind] ?? humanize(feedback.kind).toLowerCase();
  return title
    ? `Agent ${verdict} the suggested ${noun}${named}`
    : `Agent ${verdict} ${withArticle(`${noun} suggestion`)}`;
}

/**
 * Article and playbook-step titles by id, from what the log itself showed (article suggestions,
 * playbook results): step marks carry only ids, and so does feedback stored before it carried its
 * article's title; the event log names things. Step ids are keyed `step:<id>` so they never collide with an article's.
 */
export function articleTitles(events: readonly CuecardEvent[]): Map<string, string> {
  const titles = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'suggestion' && event.suggestion.kind === 'article')
      titles.set(event.suggestion.articleId, event.suggestion.title);
    if (event.type === 'analysis' && event.analyzer === 'playbook' && 'steps' in event.result)
      for (const step of event.result.steps) titles.set(`step:${step.id}`, step.title);
  }
  return titles;
}

/** One line of a conversation's event log, in words; stage and step code names never show. */
export function describeEvent(event: CuecardEvent, titles: ReadonlyMap<string, string>): string {
  switch (event.type) {
    case 'conversation-start':
      return 'Conversation started';
    case 'conversation-end':
      return 'Conversation ended';
    case 'item-final':
      return event.item.kind === 'utterance'
        ? `Turn ${event.item.seq}: the ${event.item.speaker} spoke`
        : `Turn ${event.item.seq}: agent action “${humanize(event.item.action)}”`;
    case 'analysis':
      return `Turn ${event.seq}: ${analysisWords(event)}`;
    case 'suggestion': {
      const noun = SUGGESTION_NOUNS[event.suggestion.kind] ?? 'suggestion';
      const title = 'title' in event.suggestion ? `: ${event.suggestion.title}` : '';
      return `${humanize(noun)} suggested${title}`;
    }
    case 'reply-start':
      return event.suggestionKind === 'answer' ? 'Answer being written' : 'Reply being written';
    case 'reply-end':
      return event.suggestion.kind === 'answer' ? 'Answer written' : 'Reply written';
    case 'alert':
      return `${humanize(event.alert.severity)} alert: ${event.alert.title}`;
    case 'wrapup':
      return `Wrap-up: ${WRAPUP_WORDS[event.step] ?? humanize(event.step).toLowerCase()}`;
    case 'wrapup-complete':
      return 'Wrap-up complete';
    case 'feedback':
      return feedbackWords(event.feedback, titles);
    case 'help-requested':
    case 'help-taken':
    case 'help-resolved':
    case 'supervisor-note':
      return describeHelpEvent(event);
    case 'playbook-step': {
      const step = titles.get(`step:${event.mark.stepId}`) ?? humanize(event.mark.stepId);
      return `${event.mark.by} marked the step “${step}” ${event.mark.outcome === 'done' ? 'done' : 'skipped'}`;
    }
    case 'error':
      // The service's message is written for people; its code is for programs.
      return `Problem${event.analyzer ? ` in the ${humanize(event.analyzer).toLowerCase()} stage` : ''}: ${event.message}`;
    case 'utterance-interim':
      return `Turn ${event.seq}: the ${event.speaker} is speaking`;
    case 'reply-delta':
      return 'Reply being written';
  }
}
