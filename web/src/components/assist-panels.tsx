import { useState } from 'react';
import type { ConversationView } from '../live/conversation-state.js';
import type {
  Alert,
  PlaybookStepLine,
  PlaybookStepMark,
  StepStatus,
  Suggestion,
} from '../live/types.js';
import { markStep } from '../live/wrapup-api.js';
import './next-steps.css';
import { FeedbackButtons } from './feedback-buttons.js';
import { HighlightedPassage } from './highlighted-passage.js';
import { useAgentKnowledge } from '../agent/agent-knowledge.js';
import { PassageActions } from '../agent/passage-actions.js';

/** Feedback wiring; absent on read-only views (supervisors looking over a call). */
export interface FeedbackContext {
  apiKey: string;
  conversationId: string;
}

function useDismissed() {
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  return {
    isDismissed: (id: string) => dismissed.has(id),
    dismiss: (id: string) => setDismissed((current) => new Set(current).add(id)),
  };
}

function Feedback({
  context,
  suggestion,
  onDismiss,
}: {
  context: FeedbackContext | undefined;
  suggestion: Suggestion;
  onDismiss: () => void;
}) {
  if (!context) return null;
  return (
    <FeedbackButtons
      apiKey={context.apiKey}
      onDismiss={onDismiss}
      feedback={{
        suggestionId: suggestion.suggestionId,
        conversationId: context.conversationId,
        kind: suggestion.kind,
        ...(suggestion.kind === 'article' ? { articleId: suggestion.articleId } : {}),
      }}
    />
  );
}

/** The alert's kind as words (the code "churn" alone reads oddly). */
const ALERT_KIND_LABEL: Record<Alert['kind'], string> = {
  escalation: 'Escalation',
  churn: 'Churn risk',
  compliance: 'Compliance',
  other: 'Other',
};

const SEVERITY_LABEL: Record<Alert['severity'], string> = {
  info: 'Info',
  warning: 'Warning',
  critical: 'Critical',
};

export function AlertsPanel({ alerts }: { alerts: Alert[] }) {
  if (alerts.length === 0) return null;
  return (
    <section className="panel alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      {/* Announced as they arrive; role="alert" on each <li> broke the list for screen readers. */}
      <ul aria-live="assertive">
        {[...alerts].reverse().map((alert) => (
          <li key={alert.alertId} className={`alert alert-${alert.severity}`}>
            <strong>
              {SEVERITY_LABEL[alert.severity]} · {alert.title}
            </strong>
            {/* A space so screen readers do not run the title into the kind. */}{' '}
            <span className="alert-kind">{ALERT_KIND_LABEL[alert.kind]}</span>
            <p>{alert.reason}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  }
  return (
    <button type="button" className="button small primary" onClick={() => void copy()}>
      {state === 'copied'
        ? 'Copied'
        : state === 'failed'
          ? 'Copy failed — select the text'
          : 'Copy reply'}
    </button>
  );
}

export function ReplyPanel({
  view,
  feedback,
}: {
  view: ConversationView;
  feedback?: FeedbackContext | undefined;
}) {
  const { isDismissed, dismiss } = useDismissed();
  const tools = useAgentKnowledge();
  const latest = [...view.replies].reverse().find((reply) => !isDismissed(reply.suggestionId));
  if (!latest && view.streaming.length === 0) return null;
  return (
    <section className="panel reply" aria-labelledby="reply-title">
      <h2 id="reply-title">Suggested reply</h2>
      {view.streaming.map((text, index) => (
        <p key={index} className="reply-text streaming" aria-busy="true">
          {text}
          <span className="cursor" aria-hidden="true" />
        </p>
      ))}
      {latest && view.streaming.length === 0 ? (
        <>
          <p className="reply-text">{latest.text}</p>
          {latest.citations.length > 0 ? (
            <p className="meta">
              Based on: {latest.citations.map((citation) => citation.title).join(', ')}
            </p>
          ) : null}
          <p className="reason">{latest.reason}</p>
          {tools ? (
            <PassageActions
              text={latest.text}
              subject={{ kind: 'reply', suggestionId: latest.suggestionId }}
              label="suggested reply"
              noun="reply"
            />
          ) : (
            <div className="actions">
              <CopyButton text={latest.text} />
            </div>
          )}
          <Feedback
            key={latest.suggestionId}
            context={feedback}
            suggestion={latest}
            onDismiss={() => dismiss(latest.suggestionId)}
          />
        </>
      ) : null}
    </section>
  );
}

/**
 * How each status reads. `passed` is the tracker's guess, not the agent's: the step was never
 * heard or ticked, but a later step was done or skipped (trackPlaybook), so it is no longer
 * suggested (the agent may have done it in words no cue foresaw; identity checks never pass). Said in full on screen, since a bare dash told new agents
 * nothing; the step keeps its Done and Skip buttons.
 */
const stepMarks: Record<StepStatus, { mark: string; label: string; note?: string }> = {
  done: { mark: '✓', label: 'done' },
  passed: {
    mark: '–',
    label: 'passed',
    note: 'Not heard, but the call went on to a later step, so no longer suggested. Tick it if you did it.',
  },
  skipped: { mark: '»', label: 'skipped' },
  remaining: { mark: '', label: 'to do' },
};

/** The checklist with the agent's ticks and skips laid over it until the analyzer counts them. */
function markedChecklist(
  steps: readonly PlaybookStepLine[],
  marks: Readonly<Record<string, PlaybookStepMark>>,
): PlaybookStepLine[] {
  return steps.map((line) => {
    const mark = marks[line.id];
    if (!mark || line.status === 'done') return line;
    return { ...line, status: mark.outcome === 'done' ? 'done' : 'skipped' };
  });
}

/**
 * The playbook checklist: step titles and where each stands, from the playbook analyzer's
 * latest result (it follows every turn); the next-step suggestion gives the reason and takes
 * feedback. The agent ticks a step done or skips it (the analyzer counts it from the next turn);
 * dismissing the suggestion hides only the suggestion, never the checklist. Once every step is
 * done the panel says so instead of pointing at an old step.
 */
export function NextStepsPanel({
  view,
  feedback,
}: {
  view: ConversationView;
  feedback?: FeedbackContext | undefined;
}) {
  const { isDismissed, dismiss } = useDismissed();
  const [marked, setMarked] = useState<Record<string, PlaybookStepMark>>({});
  const [marking, setMarking] = useState<string | null>(null);
  const [markError, setMarkError] = useState<string | null>(null);
  const step = view.nextStep;
  const playbook = view.playbook;
  if (!playbook && !step) return null;
  const marks = { ...view.stepMarks, ...marked };
  const checklist = markedChecklist(
    playbook
      ? playbook.steps
      : [
          ...(step?.done ?? []).map((id) => ({ id, title: id, status: 'done' as const })),
          ...(step?.remaining ?? []).map((id) => ({ id, title: id, status: 'remaining' as const })),
        ],
    marks,
  );
  const complete =
    playbook?.complete === true ||
    (checklist.length > 0 && checklist.every((line) => line.status !== 'remaining'));
  const suggestion =
    step && !complete && !marks[step.stepId] && !isDismissed(step.suggestionId) ? step : null;
  // Ticks steer the live suggestions: offered while the call goes on (no wrap-up yet).
  const live =
    feedback !== undefined &&
    Object.keys(view.wrapup).length === 0 &&
    Object.keys(view.wrapupUnavailable).length === 0;

  async function mark(line: PlaybookStepLine, outcome: PlaybookStepMark['outcome']) {
    if (!feedback) return;
    setMarking(line.id);
    setMarkError(null);
    try {
      const saved = await markStep(feedback.apiKey, feedback.conversationId, line.id, outcome);
      setMarked((current) => ({ ...current, [line.id]: saved }));
    } catch (error) {
      setMarkError(
        `“${line.title}” was not marked: ${error instanceof Error ? error.message : 'try again.'}`,
      );
    } finally {
      setMarking(null);
    }
  }

  return (
    <section className="panel next-steps" aria-labelledby="next-steps-title">
      <h2 id="next-steps-title">Next steps</h2>
      <p className="next-step-title">
        {complete
          ? `${playbook?.title ?? 'Playbook'}: every step done`
          : (suggestion?.title ?? playbook?.title ?? step?.title)}
      </p>
      <ul className="checklist">
        {checklist.map((item) => (
          <li key={`${item.status}-${item.id}`} className={item.status}>
            <span className="check" aria-hidden="true">
              {stepMarks[item.status].mark}
            </span>
            <span className="step-line">
              <span>
                {item.title}
                {stepMarks[item.status].note ? (
                  <span className="step-note">{stepMarks[item.status].note}</span>
                ) : (
                  <span className="sr-only"> ({stepMarks[item.status].label})</span>
                )}
              </span>
              {live && item.status !== 'done' && item.status !== 'skipped' ? (
                <span className="step-actions">
                  <button
                    type="button"
                    className="button small"
                    disabled={marking !== null}
                    aria-label={`Mark “${item.title}” done`}
                    onClick={() => void mark(item, 'done')}
                  >
                    Done
                  </button>
                  <button
                    type="button"
                    className="button small ghost"
                    disabled={marking !== null}
                    aria-label={`Skip “${item.title}”`}
                    onClick={() => void mark(item, 'skipped')}
                  >
                    Skip
                  </button>
                </span>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      {markError ? (
        <p className="notice error" role="alert">
          {markError}
        </p>
      ) : null}
      {suggestion ? (
        <>
          <p className="reason">{suggestion.reason}</p>
          <Feedback
            key={suggestion.suggestionId}
            context={feedback}
            suggestion={suggestion}
            onDismiss={() => dismiss(suggestion.suggestionId)}
          />
        </>
      ) : null}
    </section>
  );
}

export function ArticlesPanel({
  view,
  feedback,
}: {
  view: ConversationView;
  feedback?: FeedbackContext | undefined;
}) {
  const { isDismissed, dismiss } = useDismissed();
  const tools = useAgentKnowledge();
  const articles = view.articles.filter((article) => !isDismissed(article.suggestionId));
  return (
    <section className="panel articles" aria-labelledby="articles-title">
      <h2 id="articles-title">Knowledge</h2>
      {articles.length === 0 ? (
        <p className="empty">Articles matching the conversation appear here.</p>
      ) : (
        <ul className="cards">
          {articles.map((article) => (
            <li key={article.suggestionId} className="card">
              <h3>{article.title}</h3>
              {view.replacedTitles[article.suggestionId] ? (
                <p className="meta">
                  Updated: a better match than “{view.replacedTitles[article.suggestionId]}”
                </p>
              ) : null}
              <HighlightedPassage highlighted={article.highlighted} passage={article.passage} />
              <PassageActions
                text={article.passage}
                subject={{
                  kind: 'article',
                  suggestionId: article.suggestionId,
                  articleId: article.articleId,
                }}
                label={`passage from ${article.title}`}
                onOpen={() =>
                  tools?.openArticle({
                    articleId: article.articleId,
                    title: article.title,
                    suggestionId: article.suggestionId,
                  })
                }
              />
              <p className="reason">{article.reason}</p>
              <Feedback
                context={feedback}
                suggestion={article}
                onDismiss={() => dismiss(article.suggestionId)}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function SimilarCasesPanel({ view }: { view: ConversationView }) {
  if (view.similarCases.length === 0) return null;
  return (
    <section className="panel similar" aria-labelledby="similar-title">
      <h2 id="similar-title">Similar cases</h2>
      <ul className="cards">
        {view.similarCases.map((item) => (
          <li key={item.suggestionId} className="card">
            <p>{item.summary}</p>
            {item.disposition ? <p className="meta">Disposition: {item.disposition}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
