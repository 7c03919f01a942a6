import type {
  Alert,
  AnalyzerResults,
  ConversationRecord,
  CuecardEvent,
  IntentAnalysis,
  PlaybookResult,
  PlaybookStepMark,
  PlaybookStepLine,
  Speaker,
  Suggestion,
} from './types.js';
import { splitWrapup, type UnavailableSteps, type WrapupView } from './wrapup-view.js';

/**
 * What a console knows about one conversation: its record, its durable events (unique by id,
 * in id order, whatever order they arrived in from REST snapshots and sockets) and the live
 * previews that are never stored (interim utterances, streamed reply tokens).
 */
export interface ConversationState {
  id: string;
  record: ConversationRecord | null;
  events: CuecardEvent[];
  eventIds: ReadonlySet<number>;
  /** Interim text per sequence number, until the final utterance with that seq arrives. */
  interims: Readonly<Record<number, { speaker: Speaker; text: string }>>;
  /** Replies and answers being generated, by replyId. */
  streams: Readonly<Record<string, StreamPreview>>;
}

export type ConversationsState = Readonly<Record<string, ConversationState>>;

export interface StreamPreview {
  text: string;
  done: boolean;
  /** What the stream ends as: a suggested reply or an answer from the knowledge base. */
  kind: 'reply' | 'answer';
}

function empty(id: string): ConversationState {
  return { id, record: null, events: [], eventIds: new Set(), interims: {}, streams: {} };
}

function insertSorted(events: CuecardEvent[], event: CuecardEvent): CuecardEvent[] {
  const id = event.id ?? 0;
  let index = events.length;
  while (index > 0 && (events[index - 1]!.id ?? 0) > id) index--;
  return [...events.slice(0, index), event, ...events.slice(index)];
}

function finalSeqs(events: readonly CuecardEvent[]): Set<number> {
  const seqs = new Set<number>();
  for (const event of events) if (event.type === 'item-final') seqs.add(event.item.seq);
  return seqs;
}

/** Folds one event in. Durable events already held are ignored (REST and socket overlap). */
export function applyEvent(state: ConversationsState, event: CuecardEvent): ConversationsState {
  const current = state[event.conversationId] ?? empty(event.conversationId);
  let next: ConversationState = current;
  if (event.id !== null) {
    if (current.eventIds.has(event.id)) return state;
    const eventIds = new Set(current.eventIds);
    eventIds.add(event.id);
    next = { ...current, eventIds, events: insertSorted(current.events, event) };
  }
  switch (event.type) {
    case 'conversation-start':
    case 'conversation-end':
      next = { ...next, record: event.conversation };
      break;
    case 'utterance-interim':
      // A late interim must not resurrect a line that is already final.
      if (!finalSeqs(next.events).has(event.seq)) {
        next = {
          ...next,
          interims: { ...next.interims, [event.seq]: { speaker: event.speaker, text: event.text } },
        };
      }
      break;
    case 'item-final': {
      const { [event.item.seq]: _replaced, ...interims } = next.interims;
      next = {
        ...next,
        interims,
        record:
          next.record && next.record.lastSeq < event.item.seq
            ? { ...next.record, lastSeq: event.item.seq }
            : next.record,
      };
      break;
    }
    case 'reply-start':
      next = {
        ...next,
        streams: {
          ...next.streams,
          [event.replyId]: next.streams[event.replyId] ?? {
            text: '',
            done: false,
            kind: event.suggestionKind ?? 'reply',
          },
        },
      };
      break;
    case 'reply-delta': {
      // A delta seen before its start (socket resumed mid-stream) is taken for a reply.
      const stream = next.streams[event.replyId] ?? { text: '', done: false, kind: 'reply' };
      if (!stream.done)
        next = {
          ...next,
          streams: {
            ...next.streams,
            [event.replyId]: { ...stream, text: stream.text + event.delta },
          },
        };
      break;
    }
    case 'reply-end':
      next = {
        ...next,
        streams: {
          ...next.streams,
          [event.replyId]: {
            text: '',
            done: true,
            kind: event.suggestion.kind === 'answer' ? 'answer' : 'reply',
          },
        },
      };
      break;
    case 'analysis':
    case 'suggestion':
    case 'alert':
    case 'wrapup':
    case 'wrapup-complete':
    case 'feedback':
    case 'playbook-step':
    case 'error':
    case 'help-requested':
    case 'help-taken':
    case 'help-resolved':
    case 'supervisor-note':
      break;
    default: {
      const unknown: never = event;
      void unknown;
    }
  }
  return next === current ? state : { ...state, [event.conversationId]: next };
}

export function applyEvents(
  state: ConversationsState,
  events: readonly CuecardEvent[],
): ConversationsState {
  return events.reduce(applyEvent, state);
}

/** Sets or refreshes the record of a conversation (from REST). */
export function applyRecord(
  state: ConversationsState,
  record: ConversationRecord,
): ConversationsState {
  const current = state[record.id] ?? empty(record.id);
  // The socket may already know more (ended, later seq) than a list fetched a moment ago.
  const keep =
    current.record &&
    (current.record.status === 'ended' || current.record.lastSeq > record.lastSeq);
  return { ...state, [record.id]: { ...current, record: keep ? current.record : record } };
}

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export interface TranscriptLine {
  key: string;
  seq: number;
  kind: 'utterance' | 'action' | 'interim';
  speaker: Speaker | null;
  text: string;
  sentiment: { label: SentimentLabel; score: number | null } | null;
}

/** Where the conversation stands in its playbook, from the playbook analyzer's latest result. */
export interface PlaybookView {
  title: string;
  steps: PlaybookStepLine[];
  complete: boolean;
}

export interface ConversationView {
  lines: TranscriptLine[];
  articles: Extract<Suggestion, { kind: 'article' }>[];
  /** A card that took the place of another of its topic: its suggestionId → the old title. */
  replacedTitles: Record<string, string>;
  nextStep: Extract<Suggestion, { kind: 'next-step' }> | null;
  playbook: PlaybookView | null;
  replies: Extract<Suggestion, { kind: 'reply' }>[];
  /** Text of replies still being generated. */
  streaming: string[];
  /** The answer to the customer's latest question (it stands until the next one). */
  answer: Extract<Suggestion, { kind: 'answer' }> | null;
  /** Text of an answer still being generated (its citations are checked when it ends). */
  answerStreaming: string | null;
  similarCases: Extract<Suggestion, { kind: 'similar-case' }>[];
  alerts: Alert[];
  intent: string | null;
  trend: 'improving' | 'worsening' | 'steady' | null;
  customerSentiment: number | null;
  /** Live CSAT (1–5) and churn risk after the customer's latest turn (customer-health analyzer). */
  health: AnalyzerResults['customer-health'] | null;
  /** The agent's latest tick or skip per playbook step id (the analyzer counts it next turn). */
  stepMarks: Record<string, PlaybookStepMark>;
  /** The wrap-up so far, by step (each step arrives as its own event once the call ended). */
  wrapup: WrapupView;
  /** Wrap-up steps that did not run for the conversation's language: step → language. */
  wrapupUnavailable: UnavailableSteps;
  /**
   * Live analyzers whose latest word is that the conversation's current language is one they do
   * not handle: analyzer → language. A later result of the analyzer removes it.
   */
  unavailable: Record<string, string>;
  errors: { code: string; message: string; analyzer: string | null }[];
  /** The agent's verdict on each suggestion, by suggestionId, from the stored feedback events. */
  feedback: Record<string, FeedbackVerdictGiven>;
}

export type FeedbackVerdictGiven = Extract<
  CuecardEvent,
  { type: 'feedback' }
>['feedback']['verdict'];

/** What the conversation is about so far; a single off-topic turn does not relabel it. */
function intentName(result: IntentAnalysis): string | null {
  return result.conversation?.intent ?? (result.intent || null);
}

function playbookView(result: PlaybookResult): PlaybookView {
  return { title: result.title, steps: result.steps, complete: result.complete };
}

/**
 * Suggestions stand only while they still apply. A suggested reply answers one customer turn:
 * once the agent has spoken after it, it is spent. A next step is shown only while the latest
 * playbook result still has it to do (the agent may have done it without the words the
 * playbook listens for, or finished the playbook).
 */
function withdrawStale(
  view: ConversationView,
  lines: readonly TranscriptLine[],
  replySeq: ReadonlyMap<string, number | null>,
): void {
  const lastAgentSeq = Math.max(
    0,
    ...lines
      .filter((line) => line.kind === 'utterance' && line.speaker === 'agent')
      .map((l) => l.seq),
  );
  view.replies = view.replies.filter(
    (reply) => (replySeq.get(reply.suggestionId) ?? Number.MAX_SAFE_INTEGER) > lastAgentSeq,
  );
  const step = view.nextStep;
  if (step && view.playbook) {
    const line = view.playbook.steps.find((entry) => entry.id === step.stepId);
    if (view.playbook.complete || (line && line.status !== 'remaining')) view.nextStep = null;
  }
  // The agent ticked or skipped it since: it is not the next step any more.
  if (view.nextStep && view.stepMarks[view.nextStep.stepId]) {
    view.nextStep = null;
  }
}

type ArticleCard = Extract<Suggestion, { kind: 'article' }>;

/**
 * A card joins the list; a better article for the topic of a card already shown (`replacesSuggestionId`)
 * takes that card's place instead: the agent sees the card change where it was, not a second
 * card for the same topic.
 */
function placeArticle(
  articles: Map<string, ArticleCard>,
  card: ArticleCard,
  replacedTitles: Record<string, string>,
): void {
  const replaced = [...articles.values()].find(
    (other) => other.suggestionId === card.replacesSuggestionId,
  );
  if (!replaced) {
    articles.delete(card.articleId);
    articles.set(card.articleId, card);
    return;
  }
  replacedTitles[card.suggestionId] = replaced.title;
  const entries = [...articles.entries()].map(([id, other]): [string, ArticleCard] =>
    other === replaced ? [card.articleId, card] : [id, other],
  );
  articles.clear();
  for (const [id, other] of entries) articles.set(id, other);
}

/** The console's picture of a conversation, derived from its events. */
export function deriveView(state: ConversationState): ConversationView {
  const sentimentBySeq = new Map<number, { label: SentimentLabel; score: number | null }>();
  const lines: TranscriptLine[] = [];
  const articles = new Map<string, Extract<Suggestion, { kind: 'article' }>>();
  const replies: Extract<Suggestion, { kind: 'reply' }>[] = [];
  const similarCases: Extract<Suggestion, { kind: 'similar-case' }>[] = [];
  const view: ConversationView = {
    lines,
    articles: [],
    replacedTitles: {},
    nextStep: null,
    playbook: null,
    replies,
    streaming: [],
    answer: null,
    answerStreaming: null,
    similarCases,
    alerts: [],
    intent: null,
    trend: null,
    customerSentiment: null,
    health: null,
    stepMarks: {},
    wrapup: {},
    wrapupUnavailable: {},
    unavailable: {},
    errors: [],
    feedback: {},
  };
  // The turn each reply answers: a suggestion event carries it, a streamed reply's start does.
  const replySeq = new Map<string, number | null>();
  const addSuggestion = (suggestion: Suggestion, seq: number | null) => {
    if (suggestion.kind === 'reply') replySeq.set(suggestion.suggestionId, seq);
    switch (suggestion.kind) {
      case 'article':
        placeArticle(articles, suggestion, view.replacedTitles);
        break;
      case 'next-step':
        view.nextStep = suggestion;
        break;
      case 'reply':
        replies.push(suggestion);
        break;
      case 'answer':
        // Each question gets its own answer; the latest question's stands.
        view.answer = suggestion;
        break;
      case 'similar-case':
        similarCases.push(suggestion);
        break;
    }
  };
  for (const event of state.events) {
    switch (event.type) {
      case 'item-final': {
        const item = event.item;
        lines.push(
          item.kind === 'utterance'
            ? {
                key: `f${item.seq}`,
                seq: item.seq,
                kind: 'utterance',
                speaker: item.speaker,
                text: item.text,
                sentiment: null,
              }
            : {
                key: `f${item.seq}`,
                seq: item.seq,
                kind: 'action',
                speaker: null,
                text: item.action,
                sentiment: null,
              },
        );
        break;
      }
      case 'analysis':
        if ('unsupported_language' in event.result) {
          view.unavailable[event.analyzer] = event.result.unsupported_language.language;
          break;
        }
        delete view.unavailable[event.analyzer];
        if (event.analyzer === 'sentiment') {
          const { label, score, customerTrend } = event.result;
          sentimentBySeq.set(event.seq, { label, score });
          if (customerTrend) {
            view.trend = customerTrend.direction;
            view.customerSentiment = customerTrend.ewma;
          }
        } else if (event.analyzer === 'intent') {
          view.intent = intentName(event.result) ?? view.intent;
        } else if (event.analyzer === 'playbook') {
          view.playbook = playbookView(event.result);
        } else if (event.analyzer === 'customer-health') {
          view.health = event.result;
        }
        break;
      case 'suggestion':
        addSuggestion(event.suggestion, event.seq);
        break;
      case 'reply-start':
        replySeq.set(event.replyId, event.seq);
        break;
      case 'reply-end':
        addSuggestion(event.suggestion, replySeq.get(event.replyId) ?? null);
        break;
      case 'alert':
        view.alerts.push(event.alert);
        break;
      case 'wrapup': {
        // Each step's result is typed by its name: copy it under that name.
        const { results, unavailable } = splitWrapup({ [event.step]: event.result });
        Object.assign(view.wrapup, results);
        Object.assign(view.wrapupUnavailable, unavailable);
        break;
      }
      case 'playbook-step':
        view.stepMarks[event.mark.stepId] = event.mark;
        break;
      case 'error':
        view.errors.push({
          code: event.code,
          message: event.message,
          analyzer: event.analyzer ?? null,
        });
        break;
      case 'feedback':
        // An article found by search has no suggestion: its verdict marks no card.
        if (event.feedback.suggestionId)
          view.feedback[event.feedback.suggestionId] = event.feedback.verdict;
        break;
      case 'conversation-start':
      case 'conversation-end':
      case 'utterance-interim':
      case 'reply-delta':
      case 'wrapup-complete':
      case 'help-requested':
      case 'help-taken':
      case 'help-resolved':
      case 'supervisor-note':
        // Folded into the state by applyEvent (record, interims, streams), or nothing to show
        // (the steps' own events carry the wrap-up; web/src/escalation/ reads help and notes).
        break;
    }
  }
  lines.sort((a, b) => a.seq - b.seq);
  for (const line of lines) line.sentiment = sentimentBySeq.get(line.seq) ?? null;
  const finals = new Set(lines.map((line) => line.seq));
  for (const [seq, interim] of Object.entries(state.interims).sort(
    ([a], [b]) => Number(a) - Number(b),
  )) {
    if (!finals.has(Number(seq))) {
      lines.push({
        key: `i${seq}`,
        seq: Number(seq),
        kind: 'interim',
        speaker: interim.speaker,
        text: interim.text,
        sentiment: null,
      });
    }
  }
  view.articles = [...articles.values()].reverse();
  withdrawStale(view, lines, replySeq);
  const live = Object.values(state.streams).filter((stream) => !stream.done && stream.text !== '');
  view.streaming = live.filter((stream) => stream.kind === 'reply').map((stream) => stream.text);
  view.answerStreaming = live.filter((stream) => stream.kind === 'answer').at(-1)?.text ?? null;
  return view;
}
