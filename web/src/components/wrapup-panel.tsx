import type { ConversationView } from '../live/conversation-state.js';
import type { FinalizerResults } from '../live/types.js';
import { humanize, notAvailableIn } from '../format.js';

const percent = (value: number) => `${Math.round(value * 100)} %`;

const OUTCOME_LABELS: Record<FinalizerResults['summary']['outcome'], string> = {
  resolved: 'Resolved',
  unresolved: 'Not resolved',
  escalated: 'Escalated',
  'follow-up': 'Follow-up needed',
};

function dueLabel(dueAt: string | null): string {
  if (!dueAt) return 'no due date';
  const due = new Date(dueAt);
  return `due ${due.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}`;
}

function SummarySection({ summary }: { summary: FinalizerResults['summary'] }) {
  return (
    <div className="wrapup-section">
      <dt>Summary</dt>
      <dd>
        {summary.reason ? (
          <p className="meta">
            Reason for contact: <q>{summary.reason}</q>
          </p>
        ) : null}
        <p className="wrapup-narrative">{summary.narrative}</p>
        <p className="meta">Outcome: {OUTCOME_LABELS[summary.outcome]}</p>
        {summary.actions.length > 0 ? (
          <ul className="wrapup-list" aria-label="Actions taken">
            {summary.actions.map((action, index) => (
              <li key={`${index}-${action}`}>{action}</li>
            ))}
          </ul>
        ) : null}
      </dd>
    </div>
  );
}

function DispositionSection({ result }: { result: FinalizerResults['disposition'] }) {
  return (
    <div className="wrapup-section">
      <dt>Wrap-up code</dt>
      <dd>
        {humanize(result.suggested)}{' '}
        <span className="meta">(suggested, {percent(result.confidence)} sure)</span>
      </dd>
    </div>
  );
}

function FollowUpsSection({ result }: { result: FinalizerResults['follow-ups'] }) {
  if (result.tasks.length === 0) return null;
  return (
    <div className="wrapup-section">
      <dt>Follow-ups</dt>
      <dd>
        <ul className="wrapup-list">
          {result.tasks.map((task) => (
            <li key={task.id}>
              <strong>{humanize(task.kind)}</strong>, {dueLabel(task.dueAt)}
              <p className="meta">{task.draftMessage}</p>
            </li>
          ))}
        </ul>
      </dd>
    </div>
  );
}

function ChurnSection({ result }: { result: FinalizerResults['churn'] }) {
  const reasons = result.reasons.filter((reason) => reason.contribution > 0).slice(0, 3);
  return (
    <div className="wrapup-section">
      <dt>Churn risk</dt>
      <dd>
        {percent(result.risk)}
        {reasons.length > 0 ? (
          <ul className="wrapup-list" aria-label="Why">
            {reasons.map((reason) => (
              <li key={reason.attribute}>{reason.detail}</li>
            ))}
          </ul>
        ) : null}
      </dd>
    </div>
  );
}

function QaSection({ result }: { result: FinalizerResults['qa'] }) {
  const applicable = result.criteria.filter((criterion) => criterion.score !== null);
  const met = applicable.filter((criterion) => criterion.score === 1).length;
  return (
    <div className="wrapup-section">
      <dt>Automatic QA</dt>
      <dd>
        {result.overall === null ? 'Not scored' : percent(result.overall)}{' '}
        <span className="meta">
          ({met} of {applicable.length} criteria met)
        </span>
      </dd>
    </div>
  );
}

/**
 * The wrap-up once the conversation has ended: each step rendered from its typed result, so a
 * step's shape change breaks the build instead of printing raw data on the agent's screen.
 */
export function WrapupPanel({ view }: { view: ConversationView }) {
  const { summary, disposition, churn, qa } = view.wrapup;
  const followUps = view.wrapup['follow-ups'];
  const repeat = view.wrapup['repeat-contact'];
  const disclosures = view.wrapup.disclosures;
  const unavailable = Object.entries(view.wrapupUnavailable);
  if (Object.keys(view.wrapup).length === 0 && unavailable.length === 0) return null;
  return (
    <section className="panel wrapup" aria-labelledby="wrapup-title">
      <h2 id="wrapup-title">Wrap-up</h2>
      <dl>
        {summary ? <SummarySection summary={summary} /> : null}
        {disposition ? <DispositionSection result={disposition} /> : null}
        {followUps ? <FollowUpsSection result={followUps} /> : null}
        {churn ? <ChurnSection result={churn} /> : null}
        {qa ? <QaSection result={qa} /> : null}
        {repeat?.repeatContact ? (
          <div className="wrapup-section">
            <dt>Repeat contact</dt>
            <dd>
              The customer contacted us about{' '}
              {repeat.topicLabel ?? (repeat.topic ? humanize(repeat.topic) : 'this')}{' '}
              {repeat.repeats ? `${Math.round(repeat.repeats.hoursBefore)} h before` : 'recently'}.
            </dd>
          </div>
        ) : null}
        {disclosures && disclosures.missing.length > 0 ? (
          <div className="wrapup-section">
            <dt>Missing disclosures</dt>
            <dd>{disclosures.missing.map(humanize).join(', ')}</dd>
          </div>
        ) : null}
        {unavailable.map(([step, language]) => (
          <div className="wrapup-section" key={step}>
            <dt>{humanize(step)}</dt>
            <dd className="meta">{notAvailableIn(language)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
