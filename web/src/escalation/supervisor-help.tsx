import { useMemo, useState, type FormEvent } from 'react';
import type { ConversationState } from '../live/conversation-state.js';
import { useSignedIn } from '../session.js';
import { sendNote, takeHelp } from './escalation-api.js';
import { helpRequests, supervisorNotes } from './help-view.js';
import './escalation.css';

const time = (at: string) => <time dateTime={at}>{new Date(at).toLocaleTimeString()}</time>;

/**
 * On the live conversation view: the call's help requests (take one still waiting) and a
 * composer for private notes, which only the agent sees, in their console, as they are sent.
 */
export function SupervisorHelp({ state, apiKey }: { state: ConversationState; apiKey: string }) {
  const { identity } = useSignedIn();
  const coach = identity.role === 'supervisor' || identity.role === 'admin';
  const requests = useMemo(() => helpRequests(state.events), [state.events]);
  const notes = useMemo(() => supervisorNotes(state.events), [state.events]);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const active = state.record?.status === 'active';

  async function run(action: () => Promise<unknown>): Promise<boolean> {
    setSending(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'That did not work; try again.');
      return false;
    } finally {
      setSending(false);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) {
      setError('Write a note first.');
      return;
    }
    if (await run(() => sendNote(apiKey, state.id, text.trim()))) setText('');
  }

  // A past call nobody asked for help on has nothing to show here.
  if (!active && requests.length === 0 && notes.length === 0) return null;

  return (
    <section className="panel help-panel" aria-labelledby="supervisor-help-title">
      <h2 id="supervisor-help-title">Help and private notes</h2>
      {requests.length === 0 ? (
        <p className="meta">The agent has not asked for help on this call.</p>
      ) : (
        <ol className="help-history" aria-label="Help requests">
          {requests.map((request) => (
            <li key={request.requestId}>
              <strong>{request.requestedBy.name}</strong> asked for help at{' '}
              {time(request.requestedAt)}
              {request.reason ? <q className="help-reason">{request.reason}</q> : null}
              <p className="meta">
                {request.takenBy && request.takenAt ? (
                  <>
                    Taken by {request.takenBy.name} at {time(request.takenAt)}
                  </>
                ) : (
                  'Waiting for a supervisor'
                )}
                {request.resolvedBy ? ` · closed by ${request.resolvedBy.name}` : ''}
              </p>
              {coach && active && !request.takenBy && !request.resolvedAt ? (
                <button
                  type="button"
                  className="button small primary"
                  disabled={sending}
                  onClick={() => void run(() => takeHelp(apiKey, state.id, request.requestId))}
                >
                  Take this request
                </button>
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {notes.length > 0 ? (
        <ol className="help-notes" aria-label="Notes sent to the agent">
          {notes.map((note) => (
            <li key={note.noteId} className="help-note">
              <p className="help-note-text">{note.text}</p>
              <p className="meta">
                {note.by.name} · {time(note.at)}
              </p>
            </li>
          ))}
        </ol>
      ) : null}
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {coach && active ? (
        <form className="note-form" onSubmit={(event) => void submit(event)}>
          <label htmlFor="supervisor-note">Private note to the agent</label>
          <textarea
            id="supervisor-note"
            rows={3}
            maxLength={2000}
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder="Only the agent sees this, never the customer."
          />
          <button type="submit" className="button primary" disabled={sending}>
            {sending ? 'Sending…' : 'Send note'}
          </button>
        </form>
      ) : !active ? (
        <p className="meta">The call has ended: notes can no longer reach the agent.</p>
      ) : null}
    </section>
  );
}
