import { useMemo, useState } from 'react';
import { ApiError } from '../api.js';
import type { ConversationState } from '../live/conversation-state.js';
import { askForHelp, resolveHelp } from './escalation-api.js';
import { currentRequest, supervisorNotes } from './help-view.js';
import './escalation.css';

const failure = (error: unknown) =>
  error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong.';

/**
 * The agent's "Ask for help": one click reaches every supervisor watching; the panel then says
 * who took it, and shows their private notes as they arrive (newest first, the newest marked).
 */
export function AgentHelp({ state, apiKey }: { state: ConversationState; apiKey: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const request = useMemo(() => currentRequest(state.events), [state.events]);
  const notes = useMemo(() => supervisorNotes(state.events).reverse(), [state.events]);
  const active = state.record?.status === 'active';
  const ask = () =>
    run(async () => {
      await askForHelp(apiKey, state.id, reason.trim() || undefined);
      setReason('');
    });

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(failure(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel help-panel" aria-labelledby="help-title">
      <div className="help-head">
        <h2 id="help-title">Supervisor help</h2>
        {request ? (
          <button
            type="button"
            className="button small ghost"
            disabled={busy}
            onClick={() => void run(() => resolveHelp(apiKey, state.id, request.requestId))}
          >
            I'm OK now
          </button>
        ) : (
          <button
            type="button"
            className="button primary help-ask"
            data-shortcut="help"
            disabled={busy || !active}
            onClick={() => void ask()}
          >
            {busy ? 'Asking…' : 'Ask for help'}
          </button>
        )}
      </div>
      <p className="help-status" role="status">
        {!request
          ? active
            ? 'Supervisors watching will be alerted at once.'
            : 'The conversation has ended.'
          : request.takenBy
            ? `${request.takenBy.name} is helping you.`
            : 'Help requested: waiting for a supervisor…'}
      </p>
      {!request && active ? (
        <div className="help-reason-field">
          <label htmlFor="help-reason">What do you need? (optional)</label>
          <input
            id="help-reason"
            type="text"
            maxLength={500}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !busy) void ask();
            }}
          />
        </div>
      ) : null}
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {notes.length > 0 ? (
        <ol className="help-notes" aria-label="Notes from your supervisor" aria-live="polite">
          {notes.map((note, index) => (
            <li key={note.noteId} className={index === 0 ? 'help-note newest' : 'help-note'}>
              <p className="help-note-text">{note.text}</p>
              <p className="meta">
                {note.by.name} ·{' '}
                <time dateTime={note.at}>{new Date(note.at).toLocaleTimeString()}</time>
              </p>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
