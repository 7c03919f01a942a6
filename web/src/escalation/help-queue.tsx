import { useEffect, useMemo, useRef, useState } from 'react';
import { useAgentNames } from '../agent-names.js';
import { deriveView, type ConversationsState } from '../live/conversation-state.js';
import { useNow } from '../live/use-live-conversations.js';
import { Link, navigate } from '../router.js';
import { humanize } from '../format.js';
import { takeHelp } from './escalation-api.js';
import { waitingRequests, type WaitingRequest } from './help-view.js';
import { useChime } from './use-chime.js';
import './escalation.css';

const conversationPath = (id: string) => `/supervisor/conversations/${encodeURIComponent(id)}`;

function waitedFor(since: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(since)) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`;
}

/**
 * Supervisors' queue of agents asking for help, above the live board: every supervisor following
 * the tenant sees a request at once (a pulsing banner, and a beep once they have interacted with
 * the page). "Take" claims it (one supervisor only) and opens the live call.
 */
export function HelpQueue({
  conversations,
  apiKey,
  loading,
  failed = false,
}: {
  conversations: ConversationsState;
  apiKey: string;
  /** The board's first snapshot is still loading: requests waiting from before are not known yet. */
  loading: boolean;
  /** The board's snapshot failed: requests waiting from before are unknown (the board says why). */
  failed?: boolean;
}) {
  const agentName = useAgentNames();
  const now = useNow();
  const chime = useChime();
  const waiting = useMemo(() => waitingRequests(conversations), [conversations]);
  const [taking, setTaking] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  // A request not seen before rings once, whichever instance it came through.
  const heard = useRef(new Set<string>());
  useEffect(() => {
    const fresh = waiting.filter(({ request }) => !heard.current.has(request.requestId));
    for (const { request } of fresh) heard.current.add(request.requestId);
    if (fresh.length > 0) chime();
  }, [waiting, chime]);

  async function take({ state, request }: WaitingRequest) {
    setTaking(request.requestId);
    setError(null);
    try {
      await takeHelp(apiKey, state.id, request.requestId);
      navigate(conversationPath(state.id));
    } catch (caught) {
      // 409 names the supervisor who took it first.
      setError(caught instanceof Error ? caught.message : 'The request could not be taken.');
    } finally {
      setTaking(null);
    }
  }

  return (
    <section
      className={`help-queue${waiting.length > 0 ? ' ringing' : ''}`}
      aria-labelledby="help-queue-title"
    >
      <h2 id="help-queue-title">
        {waiting.length === 0
          ? 'Help requests'
          : waiting.length === 1
            ? '1 agent is asking for help'
            : `${waiting.length} agents are asking for help`}
      </h2>
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {waiting.length === 0 ? (
        <p className="meta">
          {loading
            ? 'Loading help requests…'
            : failed
              ? 'Requests made before this page opened could not be loaded; new ones appear here.'
              : 'No agent is asking for help right now.'}
        </p>
      ) : (
        <ul className="help-requests" aria-live="polite">
          {waiting.map((entry) => {
            const { state, request } = entry;
            const record = state.record!;
            const intent = deriveView(state).intent;
            return (
              <li key={request.requestId} className="help-request">
                <div className="help-request-text">
                  <strong>{agentName(record.agentId)}</strong> asks for help
                  {request.reason ? <q className="help-reason">{request.reason}</q> : null}
                  <p className="meta">
                    <Link to={conversationPath(state.id)}>{record.externalId}</Link> · customer{' '}
                    {record.customerId ?? '—'}
                    {intent ? ` · ${humanize(intent)}` : ''} · waiting{' '}
                    {waitedFor(request.requestedAt, now)}
                  </p>
                </div>
                <button
                  type="button"
                  className="button primary"
                  aria-label={`Take: ${agentName(record.agentId)} asks for help`}
                  disabled={taking !== null}
                  onClick={() => void take(entry)}
                >
                  {taking === request.requestId ? 'Taking…' : 'Take'}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
