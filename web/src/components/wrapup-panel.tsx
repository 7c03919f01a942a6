import { useEffect, useState, type FormEvent } from 'react';
import type { ConversationView } from '../live/conversation-state.js';
import type {
  AgentWrapup,
  DispositionConfirmed,
  FinalizerResults,
  FollowUpTask,
  SummaryEdit,
} from '../live/types.js';
import { followUpKindName, humanize, notAvailableIn } from '../format.js';
import {
  confirmCode,
  decideFollowUp,
  getAgentWrapup,
  saveSummary,
  type FollowUpChange,
} from '../live/wrapup-api.js';
import { failed, fromLocalInput, toLocalInput, type SaveState } from '../live/wrapup-view.js';
import './wrapup-panel.css';

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

function SummarySection({
  summary,
  agent,
  saved,
}: {
  summary: FinalizerResults['summary'];
  agent: AgentControls | undefined;
  saved: SummaryEdit | null;
}) {
  const [text, setText] = useState<string | null>(null);
  const [edit, setEdit] = useState<SummaryEdit | null>(null);
  const [save, setSave] = useState<SaveState>({ state: 'idle' });
  const current = edit ?? saved;
  const shown = text ?? current?.text ?? summary.narrative;
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!agent || shown.trim() === '') return;
    setSave({ state: 'saving' });
    try {
      const result = await saveSummary(agent.apiKey, agent.conversationId, shown);
      setEdit(result);
      setText(null);
      setSave({ state: 'saved', detail: 'Summary saved' });
    } catch (error) {
      setSave(failed(error, 'The summary'));
    }
  }
  return (
    <div className="wrapup-section">
      <dt>Summary</dt>
      <dd>
        {summary.reason ? (
          <p className="meta">
            Reason for contact: <q>{summary.reason}</q>
          </p>
        ) : null}
        {agent?.editable ? (
          <form className="wrapup-form" onSubmit={(event) => void submit(event)}>
            <label htmlFor="wrapup-summary" className="sr-only">
              Summary of the call
            </label>
            <textarea
              id="wrapup-summary"
              data-shortcut="wrapup"
              rows={5}
              value={shown}
              onChange={(event) => {
                setText(event.target.value);
                setSave({ state: 'idle' });
              }}
            />
            <div className="actions">
              <button
                type="submit"
                className="button small primary"
                disabled={save.state === 'saving' || shown.trim() === ''}
              >
                {save.state === 'saving' ? 'Saving…' : 'Save summary'}
              </button>
              {text !== null && current ? (
                <button type="button" className="button small ghost" onClick={() => setText(null)}>
                  Undo changes
                </button>
              ) : null}
            </div>
            <SaveNote save={save} />
          </form>
        ) : (
          <p className="wrapup-narrative">{current?.text ?? summary.narrative}</p>
        )}
        <p className="meta">
          {current
            ? `Edited by ${current.editedBy}, ${timeLabel(current.editedAt)}`
            : 'Generated summary, not edited'}
          {' · '}Outcome: {OUTCOME_LABELS[summary.outcome]}
        </p>
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

function SaveNote({ save }: { save: SaveState }) {
  if (save.state === 'failed')
    return (
      <p className="notice error" role="alert">
        {save.message}
      </p>
    );
  return (
    <p className="meta save-note" role="status">
      {save.state === 'saved' ? save.detail : ''}
    </p>
  );
}

function timeLabel(iso: string): string {
  return new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    hour: 'numeric',
    minute: '2-digit',
  });
}

function DispositionSection({
  result,
  agent,
  choices,
  onConfirmed,
}: {
  result: FinalizerResults['disposition'];
  agent: AgentControls | undefined;
  choices: AgentWrapup['disposition'] | null;
  /** The service's answer: QA rescored with the code, for the figure beside it. */
  onConfirmed: (confirmed: DispositionConfirmed) => void;
}) {
  const [confirmed, setConfirmed] = useState<string | null>(null);
  const [correction, setCorrection] = useState('');
  const [save, setSave] = useState<SaveState>({ state: 'idle' });
  const code = confirmed ?? choices?.confirmed ?? null;
  async function choose(chosen: string) {
    if (!agent) return;
    setSave({ state: 'saving' });
    try {
      onConfirmed(await confirmCode(agent.apiKey, agent.conversationId, chosen));
      setConfirmed(chosen);
      setSave({ state: 'saved', detail: `Wrap-up code saved: ${humanize(chosen)}` });
    } catch (error) {
      setSave(failed(error, 'The wrap-up code'));
    }
  }
  const busy = save.state === 'saving';
  return (
    <div className="wrapup-section">
      <dt>Wrap-up code</dt>
      <dd>
        <p>
          {humanize(result.suggested)}{' '}
          <span className="meta">(suggested, {percent(result.confidence)} sure)</span>
        </p>
        <p className="meta">
          {code
            ? code === result.suggested
              ? 'Confirmed by the agent'
              : `Corrected by the agent to ${humanize(code)}`
            : 'Not confirmed yet'}
        </p>
        {agent?.editable && choices ? (
          <div className="wrapup-code">
            <button
              type="button"
              className="button small primary"
              disabled={busy || code === result.suggested}
              onClick={() => void choose(result.suggested)}
            >
              Confirm {humanize(result.suggested)}
            </button>
            <label htmlFor="wrapup-correct-code">Correct to</label>
            <select
              id="wrapup-correct-code"
              value={correction}
              onChange={(event) => setCorrection(event.target.value)}
            >
              <option value="">Choose a code…</option>
              {choices.codes.map((choice) => (
                <option key={choice.code} value={choice.code}>
                  {humanize(choice.code)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button small"
              disabled={busy || correction === '' || correction === code}
              onClick={() => void choose(correction)}
            >
              Save code
            </button>
          </div>
        ) : null}
        <SaveNote save={save} />
      </dd>
    </div>
  );
}

const DECISION_LABELS: Record<NonNullable<FollowUpTask['decision']>, string> = {
  accepted: 'Accepted',
  changed: 'Changed',
  dismissed: 'Dismissed',
};

function FollowUpItem({ task, agent }: { task: FollowUpTask; agent: AgentControls | undefined }) {
  const [saved, setSaved] = useState<FollowUpTask>(task);
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState(task.draftMessage);
  const [due, setDue] = useState(toLocalInput(task.dueAt));
  const [save, setSave] = useState<SaveState>({ state: 'idle' });
  async function decide(change: FollowUpChange) {
    if (!agent) return;
    setSave({ state: 'saving' });
    try {
      const updated = await decideFollowUp(agent.apiKey, saved.id, change);
      setSaved(updated);
      setEditing(false);
      setSave({ state: 'saved', detail: `${DECISION_LABELS[change.decision]}` });
    } catch (error) {
      setSave(failed(error, 'The follow-up'));
    }
  }
  const busy = save.state === 'saving';
  const idBase = `follow-up-${saved.id}`;
  return (
    <li className={`follow-up${saved.decision === 'dismissed' ? ' dismissed' : ''}`}>
      <strong>{followUpKindName(saved.kind)}</strong>, {dueLabel(saved.dueAt)}
      {saved.decision ? (
        <span className="decision"> · {DECISION_LABELS[saved.decision]}</span>
      ) : null}
      {editing ? (
        <form
          className="wrapup-form"
          onSubmit={(event) => {
            event.preventDefault();
            void decide({
              decision: 'changed',
              draftMessage: message,
              dueAt: fromLocalInput(due),
            });
          }}
        >
          <label htmlFor={`${idBase}-message`}>Message</label>
          <textarea
            id={`${idBase}-message`}
            rows={3}
            value={message}
            onChange={(event) => setMessage(event.target.value)}
          />
          <label htmlFor={`${idBase}-due`}>Due</label>
          <input
            id={`${idBase}-due`}
            type="datetime-local"
            value={due}
            onChange={(event) => setDue(event.target.value)}
          />
          <div className="actions">
            <button
              type="submit"
              className="button small primary"
              disabled={busy || message.trim() === ''}
            >
              Save follow-up
            </button>
            <button type="button" className="button small ghost" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <p className="meta">{saved.draftMessage}</p>
      )}
      {agent?.editable && !editing ? (
        <div
          className="actions"
          role="group"
          aria-label={`${followUpKindName(saved.kind)} follow-up`}
        >
          <button
            type="button"
            className="button small"
            disabled={busy || saved.decision === 'accepted'}
            onClick={() => void decide({ decision: 'accepted' })}
          >
            Accept
          </button>
          <button
            type="button"
            className="button small"
            disabled={busy}
            onClick={() => {
              setMessage(saved.draftMessage);
              setDue(toLocalInput(saved.dueAt));
              setEditing(true);
            }}
          >
            Edit
          </button>
          <button
            type="button"
            className="button small ghost"
            disabled={busy || saved.decision === 'dismissed'}
            onClick={() => void decide({ decision: 'dismissed' })}
          >
            Dismiss
          </button>
        </div>
      ) : null}
      <SaveNote save={save} />
    </li>
  );
}

function FollowUpsSection({
  tasks,
  agent,
}: {
  tasks: readonly FollowUpTask[];
  agent: AgentControls | undefined;
}) {
  if (tasks.length === 0) return null;
  return (
    <div className="wrapup-section">
      <dt>Follow-ups</dt>
      <dd>
        <ul className="wrapup-list follow-ups">
          {tasks.map((task) => (
            <FollowUpItem key={task.id} task={task} agent={agent} />
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

/** Who may act on the wrap-up: the agent edits; a supervisor's view reads what was saved. */
export interface AgentControls {
  apiKey: string;
  conversationId: string;
  editable: boolean;
}

type Saved =
  | { state: 'loading' }
  | { state: 'loaded'; wrapup: AgentWrapup }
  | { state: 'failed'; message: string };

/** What the agent saved, fetched once the steps it decides on have arrived. */
function useSavedWrapup(agent: AgentControls | undefined, ready: string): Saved {
  const [saved, setSaved] = useState<Saved>({ state: 'loading' });
  const apiKey = agent?.apiKey;
  const conversationId = agent?.conversationId;
  useEffect(() => {
    if (!apiKey || !conversationId) return;
    let live = true;
    getAgentWrapup(apiKey, conversationId).then(
      (wrapup) => live && setSaved({ state: 'loaded', wrapup }),
      (error: unknown) =>
        live &&
        setSaved({
          state: 'failed',
          message: error instanceof Error ? error.message : 'the service did not answer',
        }),
    );
    return () => {
      live = false;
    };
  }, [apiKey, conversationId, ready]);
  return saved;
}

/**
 * The wrap-up once the conversation has ended: each step rendered from its typed result, so a
 * step's shape change breaks the build instead of printing raw data on the agent's screen. With
 * `agent` it also reads back what was saved, and lets the agent (when `editable`) edit the
 * summary, confirm or correct the code and decide on each follow-up.
 */
export function WrapupPanel({ view, agent }: { view: ConversationView; agent?: AgentControls }) {
  const { summary, disposition, churn } = view.wrapup;
  // QA rescored by the code the agent just saved; before that, the stored QA (rescored by a
  // code saved earlier, newer than the event), else the one QA published at the end of the call.
  const [rescored, setRescored] = useState<FinalizerResults['qa'] | null>(null);
  const followUps = view.wrapup['follow-ups'];
  const repeat = view.wrapup['repeat-contact'];
  const disclosures = view.wrapup.disclosures;
  const unavailable = Object.entries(view.wrapupUnavailable);
  // Refetch as the steps the agent decides on arrive (their rows exist by then).
  const saved = useSavedWrapup(
    agent,
    [summary, disposition, followUps, view.wrapup.qa].map((step) => (step ? '1' : '0')).join(''),
  );
  if (Object.keys(view.wrapup).length === 0 && unavailable.length === 0) return null;
  const loaded = saved.state === 'loaded' ? saved.wrapup : null;
  const tasks = loaded?.followUps ?? followUps?.tasks ?? [];
  const qa = rescored ?? loaded?.qa ?? view.wrapup.qa;
  return (
    <section className="panel wrapup" aria-labelledby="wrapup-title">
      <h2 id="wrapup-title">Wrap-up</h2>
      {agent && saved.state === 'loading' ? (
        <p className="meta" role="status">
          Loading what was saved…
        </p>
      ) : null}
      {agent && saved.state === 'failed' ? (
        <p className="notice error" role="alert">
          Could not load the saved wrap-up: {saved.message}
        </p>
      ) : null}
      <dl>
        {summary ? (
          <SummarySection
            // Remounted once, when the saved text arrives; a later refetch must not wipe the
            // agent's typing or the "saved" note.
            key={loaded ? 'saved' : 'generated'}
            summary={summary}
            agent={loaded ? agent : undefined}
            saved={loaded?.summaryEdit ?? summary.agentEdit ?? null}
          />
        ) : null}
        {disposition ? (
          <DispositionSection
            result={disposition}
            agent={agent}
            choices={loaded?.disposition ?? null}
            onConfirmed={(confirmed) => confirmed.qa && setRescored(confirmed.qa)}
          />
        ) : null}
        {followUps ? (
          <FollowUpsSection
            key={loaded ? 'saved' : 'generated'}
            tasks={tasks}
            agent={loaded ? agent : undefined}
          />
        ) : null}
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
