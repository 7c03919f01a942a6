import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useSignedIn } from '../session.js';
import { useAgentNames } from '../agent-names.js';
import { Link } from '../router.js';
import {
  CHANNEL_LABELS,
  followUpKindName,
  formatDuration,
  humanize,
  notAvailableIn,
} from '../format.js';
import type { ConversationItem } from '../live/types.js';
import {
  getReview,
  overrideCriterion,
  type ConversationReview,
  type CriterionReview,
  type SentimentPoint,
} from './qa-api.js';
import {
  asCriterionScore,
  criterionName,
  formatDateTime,
  percent,
  riskLevel,
  scoreClass,
  scoreLabel,
} from './qa-format.js';
import { SentimentChart } from './sentiment-chart.js';
import './qa-review-detail.css';

const SPEAKERS: Record<string, string> = { customer: 'Customer', agent: 'Agent', bot: 'Bot' };

function ReviewTranscript({
  items,
  sentiment,
  highlighted,
}: {
  items: readonly ConversationItem[];
  sentiment: ReadonlyMap<number, SentimentPoint>;
  highlighted: number | null;
}) {
  if (items.length === 0) return <p className="empty">This conversation has no transcript.</p>;
  return (
    <ol className="transcript review-transcript" aria-label="Transcript">
      {items.map((item) => {
        const mark = item.seq === highlighted ? ' highlighted' : '';
        if (item.kind === 'action') {
          return (
            <li
              key={item.seq}
              id={`turn-${item.seq}`}
              tabIndex={-1}
              className={`line line-action${mark}`}
              data-seq={item.seq}
            >
              <span className="turn-number">#{item.seq}</span>{' '}
              <span className="action-label">Agent action</span> {humanize(item.action)}
            </li>
          );
        }
        const point = sentiment.get(item.seq);
        return (
          <li
            key={item.seq}
            id={`turn-${item.seq}`}
            tabIndex={-1}
            className={`line line-${item.speaker}${point ? ` sentiment-${point.label}` : ''}${mark}`}
            data-seq={item.seq}
            data-sentiment={point?.label}
          >
            <span className="speaker">
              <span className="turn-number">#{item.seq}</span>{' '}
              {SPEAKERS[item.speaker] ?? item.speaker}
            </span>
            <span className="text">{item.text}</span>
            {point ? (
              <span
                className={`sentiment-chip chip-${point.label}`}
                title={`score ${point.score.toFixed(2)}`}
              >
                {point.label}
              </span>
            ) : (
              <span />
            )}
          </li>
        );
      })}
    </ol>
  );
}

function OverrideForm({
  criterion,
  onSave,
  onCancel,
}: {
  criterion: CriterionReview;
  onSave: (score: 0 | 1 | null, comment: string) => Promise<void>;
  onCancel: () => void;
}) {
  const current = criterion.override ? criterion.override.score : criterion.autoScore;
  const [score, setScore] = useState(String(current));
  const [comment, setComment] = useState(criterion.override?.comment ?? '');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const name = criterionName(criterion.criterionId);
  const commentId = `comment-${criterion.criterionId}`;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await onSave(asCriterionScore(score), comment.trim());
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'The override was not saved.');
      setBusy(false);
    }
  }

  return (
    <form className="override-form" onSubmit={(event) => void submit(event)}>
      <fieldset>
        <legend>Your verdict for {name}</legend>
        <div className="verdicts">
          {(['1', '0', 'null'] as const).map((value) => (
            <label key={value} className={`verdict verdict-${scoreClass(asCriterionScore(value))}`}>
              <input
                type="radio"
                name={`score-${criterion.criterionId}`}
                value={value}
                checked={score === value}
                onChange={() => setScore(value)}
              />
              {value === 'null' ? 'Not applicable' : scoreLabel(asCriterionScore(value))}
            </label>
          ))}
        </div>
      </fieldset>
      <label htmlFor={commentId}>Comment</label>
      <textarea
        id={commentId}
        rows={3}
        maxLength={2000}
        value={comment}
        onChange={(event) => setComment(event.target.value)}
        placeholder="Why the automatic score is wrong, or what the agent should do next time"
      />
      {problem ? (
        <p className="notice error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button small primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save override'}
        </button>
        <button type="button" className="button small ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Scorecard({
  scorecard,
  onEvidence,
  onOverride,
}: {
  scorecard: CriterionReview[];
  onEvidence: (seq: number) => void;
  onOverride: (criterionId: string, score: 0 | 1 | null, comment: string) => Promise<void>;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  if (scorecard.length === 0)
    return (
      <section className="panel scorecard" aria-labelledby="scorecard-title">
        <h2 id="scorecard-title">Scorecard</h2>
        <p className="empty">This conversation has not been scored.</p>
      </section>
    );
  return (
    <section className="panel scorecard" aria-labelledby="scorecard-title">
      <h2 id="scorecard-title">
        Scorecard{' '}
        <span className="meta">
          {/* The result carries the scorecard's id, not its name: shown as words. */}·{' '}
          {humanize(scorecard[0]!.scorecardId)}, version {scorecard[0]!.scorecardVersion}
        </span>
      </h2>
      <ul className="criteria">
        {scorecard.map((criterion) => {
          const name = criterionName(criterion.criterionId);
          const override = criterion.override;
          return (
            <li
              key={criterion.criterionId}
              className="criterion"
              data-criterion={criterion.criterionId}
              aria-labelledby={`criterion-${criterion.criterionId}`}
            >
              <div className="criterion-head">
                <h3 id={`criterion-${criterion.criterionId}`}>{name}</h3>
                <span
                  className={`score-chip score-${scoreClass(criterion.autoScore)}${override ? ' superseded' : ''}`}
                >
                  <span className="sr-only">Automatic score: </span>
                  {scoreLabel(criterion.autoScore)}
                </span>
                {override ? (
                  <span className={`score-chip score-${scoreClass(override.score)} human`}>
                    <span className="sr-only">Reviewer's score: </span>
                    {scoreLabel(override.score)} (reviewed)
                  </span>
                ) : null}
              </div>
              <p className="criterion-note">{criterion.note}</p>
              {criterion.evidence.length > 0 ? (
                <p className="evidence">
                  Evidence:{' '}
                  {criterion.evidence.map((seq, index) => (
                    <span key={seq}>
                      {index > 0 ? ', ' : ''}
                      <a
                        href={`#turn-${seq}`}
                        onClick={(event) => {
                          event.preventDefault();
                          onEvidence(seq);
                        }}
                      >
                        turn {seq}
                      </a>
                    </span>
                  ))}
                </p>
              ) : null}
              {override ? (
                <blockquote className="override">
                  {override.comment ? <p className="override-comment">{override.comment}</p> : null}
                  <footer className="meta">
                    {override.reviewer} · {formatDateTime(override.at)}
                  </footer>
                </blockquote>
              ) : null}
              {editing === criterion.criterionId ? (
                <OverrideForm
                  criterion={criterion}
                  onCancel={() => setEditing(null)}
                  onSave={async (score, comment) => {
                    await onOverride(criterion.criterionId, score, comment);
                    setEditing(null);
                  }}
                />
              ) : (
                <button
                  type="button"
                  className="button small"
                  onClick={() => setEditing(criterion.criterionId)}
                  aria-label={override ? `Change override of ${name}` : `Override ${name}`}
                >
                  {override ? 'Change override' : 'Override'}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function WrapupPanels({ review }: { review: ConversationReview }) {
  const { summary, disposition, churn } = review.wrapup;
  const tasks = review.wrapup['follow-ups']?.tasks ?? [];
  return (
    <>
      <section className="panel review-summary" aria-labelledby="summary-title">
        <h2 id="summary-title">Summary</h2>
        {summary?.agentEdit ? (
          <>
            <p>{summary.agentEdit.text}</p>
            <p className="meta">Edited by {summary.agentEdit.editedBy} at wrap-up</p>
          </>
        ) : summary?.narrative ? (
          <p>{summary.narrative}</p>
        ) : review.wrapupUnavailable.summary ? (
          <p className="empty">{notAvailableIn(review.wrapupUnavailable.summary)}</p>
        ) : (
          <p className="empty">No summary.</p>
        )}
        {summary ? (
          <dl className="facts">
            {summary.reason ? (
              <div>
                <dt>Reason</dt>
                <dd className="wrap">{summary.reason}</dd>
              </div>
            ) : null}
            {summary.outcome ? (
              <div>
                <dt>Outcome</dt>
                <dd>{humanize(summary.outcome)}</dd>
              </div>
            ) : null}
          </dl>
        ) : null}
        {summary?.actions && summary.actions.length > 0 ? (
          <ul className="plain-list">
            {summary.actions.map((action) => (
              <li key={action}>{action}</li>
            ))}
          </ul>
        ) : null}
        {tasks.length > 0 ? (
          <>
            <h3 className="sub-heading">Follow-ups</h3>
            <ul className="plain-list">
              {tasks.map((task) => (
                <li key={task.id}>
                  <strong>{followUpKindName(task.kind)}</strong>
                  {task.dueAt ? ` · due ${formatDateTime(task.dueAt)}` : ''} — {task.draftMessage}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="disposition-title">
        <h2 id="disposition-title">Disposition</h2>
        {disposition?.suggested || review.conversation.metadata.disposition ? (
          <dl className="facts">
            <div>
              <dt>Chosen by agent</dt>
              <dd>
                {typeof review.conversation.metadata.disposition === 'string'
                  ? humanize(review.conversation.metadata.disposition)
                  : '—'}
              </dd>
            </div>
            {disposition?.suggested ? (
              <div>
                <dt>Suggested</dt>
                <dd>
                  {humanize(disposition.suggested)}{' '}
                  <span className="meta">({percent(disposition.confidence)} confidence)</span>
                </dd>
              </div>
            ) : null}
            {disposition?.alternatives && disposition.alternatives.length > 0 ? (
              <div>
                <dt>Alternatives</dt>
                <dd className="wrap">
                  {disposition.alternatives
                    .map(
                      (alternative) =>
                        `${humanize(alternative.code)} ${percent(alternative.confidence)}`,
                    )
                    .join(' · ')}
                </dd>
              </div>
            ) : null}
          </dl>
        ) : (
          <p className="empty">No disposition.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="churn-title">
        <h2 id="churn-title">Churn risk</h2>
        {churn?.risk !== undefined ? (
          <>
            <p className={`risk risk-${riskLevel(churn.risk)} churn-figure`}>
              {percent(churn.risk)} <span className="risk-word">{riskLevel(churn.risk)}</span>
            </p>
            {churn.reasons && churn.reasons.length > 0 ? (
              <ul className="churn-reasons">
                {churn.reasons.map((reason) => (
                  <li key={`${reason.attribute}-${reason.detail}`}>
                    <span className={reason.contribution >= 0 ? 'raises' : 'lowers'}>
                      {reason.contribution >= 0 ? '▲ raises' : '▼ lowers'}
                    </span>{' '}
                    {reason.detail}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="meta">No particular reason stands out.</p>
            )}
          </>
        ) : (
          <p className="empty">No churn estimate.</p>
        )}
      </section>
    </>
  );
}

/** One finished conversation under review: evidence on the left, verdicts on the right. */
export function QaReviewDetail({ id }: { id: string }) {
  const { key } = useSignedIn();
  const agentName = useAgentNames();
  const [review, setReview] = useState<ConversationReview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [highlighted, setHighlighted] = useState<number | null>(null);

  useEffect(() => {
    let cancelled = false;
    getReview(key, id)
      .then((next) => {
        if (!cancelled) setReview(next);
      })
      .catch((error: unknown) => {
        if (!cancelled)
          setProblem(
            error instanceof Error ? error.message : 'The conversation could not be loaded.',
          );
      });
    return () => {
      cancelled = true;
    };
  }, [key, id]);

  const showTurn = useCallback((seq: number) => {
    setHighlighted(seq);
    const turn = document.getElementById(`turn-${seq}`);
    if (!turn) return;
    // Scroll the transcript, not the page, so the scorecard stays where the reviewer left it;
    // the page only moves if the transcript itself is off screen.
    const list = turn.closest('.transcript');
    if (list instanceof HTMLElement) {
      const offset = turn.getBoundingClientRect().top - list.getBoundingClientRect().top;
      list.scrollTop += offset - (list.clientHeight - turn.offsetHeight) / 2;
    }
    turn.scrollIntoView({ block: 'nearest' });
    // Keyboard and screen-reader users land on the turn too.
    turn.focus({ preventScroll: true });
  }, []);

  const saveOverride = useCallback(
    async (criterionId: string, score: 0 | 1 | null, comment: string) => {
      const reviewed = await overrideCriterion(key, id, { criterionId, score, comment });
      setReview((current) => (current ? { ...current, ...reviewed } : current));
    },
    [key, id],
  );

  const record = review?.conversation;
  const sentiment = new Map((review?.sentimentTimeline ?? []).map((point) => [point.seq, point]));
  const automatic = review?.wrapup.qa?.overall;
  // Once a reviewer has overridden a criterion, the reviewed score is the conversation's score;
  // the automatic one stays beside it, since their gap is what QA calibrates the checks by.
  const reviewed = review?.scorecard.some((criterion) => criterion.override)
    ? review.reviewedOverall
    : undefined;

  return (
    <div className="detail qa-detail">
      <p className="breadcrumbs">
        <Link to="/qa">← QA review</Link>
      </p>
      {problem ? (
        <p className="notice error" role="alert">
          Could not load this conversation: {problem}
        </p>
      ) : null}
      {!review || !record ? (
        problem ? null : (
          <p className="empty">Loading…</p>
        )
      ) : (
        <>
          <header className="page-header">
            <div>
              <h1>{record.externalId}</h1>
              <p className="subtitle">
                {CHANNEL_LABELS[record.channel] ?? record.channel} · agent{' '}
                {agentName(record.agentId)} · customer {record.customerId ?? '—'} · ended{' '}
                {formatDateTime(record.endedAt)}
                {record.endedAt
                  ? ` · ${formatDuration(Date.parse(record.endedAt) - Date.parse(record.startedAt))}`
                  : ''}
              </p>
            </div>
            <div className="headline-figures">
              <div className="figure qa-score-figure">
                <span className="figure-label">
                  {reviewed === undefined ? 'QA score' : 'QA score, reviewed'}
                </span>
                <span className="figure-value">{percent(reviewed ?? automatic)}</span>
                {reviewed === undefined ? null : (
                  <span className="figure-note">automatic {percent(automatic)}</span>
                )}
                {review.wrapupUnavailable.qa ? (
                  <span className="figure-note">{notAvailableIn(review.wrapupUnavailable.qa)}</span>
                ) : null}
              </div>
              <div className="figure">
                <span className="figure-label">Churn risk</span>
                <span className={`figure-value risk risk-${riskLevel(review.wrapup.churn?.risk)}`}>
                  {percent(review.wrapup.churn?.risk)}
                </span>
              </div>
            </div>
          </header>
          <div className="console-grid">
            <section className="panel conversation" aria-labelledby="transcript-title">
              <h2 id="sentiment-title">Sentiment</h2>
              <SentimentChart points={review.sentimentTimeline} lastSeq={record.lastSeq} />
              <h2 id="transcript-title" className="transcript-heading">
                Transcript
              </h2>
              <ReviewTranscript
                items={review.transcript}
                sentiment={sentiment}
                highlighted={highlighted}
              />
            </section>
            <aside className="assist" aria-label="Review">
              <Scorecard
                scorecard={review.scorecard}
                onEvidence={showTurn}
                onOverride={saveOverride}
              />
              <WrapupPanels review={review} />
            </aside>
          </div>
        </>
      )}
    </div>
  );
}
