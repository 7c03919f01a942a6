import { useCallback, useMemo, useState } from 'react';
import { getConversation, listConversations } from '../api.js';
import { deriveView } from '../live/conversation-state.js';
import { useLiveConversations, useNow, type Snapshot } from '../live/use-live-conversations.js';
import { useSignedIn } from '../session.js';
import { useAgentNames } from '../agent-names.js';
import { ConnectionBadge } from '../components/connection-badge.js';
import type { CuecardEvent } from '../live/types.js';
import { HelpQueue } from '../escalation/help-queue.js';
import { helpRequests } from '../escalation/help-view.js';
import { attentionReasons, lastSpokenLine, type BoardRow } from '../supervisor/board-columns.js';
import { LiveBoard } from '../supervisor/live-board.js';
import { EndedCalls, useEndedCalls } from '../supervisor/ended-calls.js';
import '../supervisor/board.css';

const DETAIL_CONCURRENCY = 4;

/** The tenant's active conversations, each with its events so far (intent, trend and alerts come from them). */
async function loadTenantSnapshot(key: string): Promise<Snapshot> {
  const page = await listConversations(key, { status: 'active', limit: '200' });
  const events: CuecardEvent[] = [];
  const queue = [...page.conversations];
  async function worker() {
    for (let record = queue.shift(); record; record = queue.shift()) {
      try {
        events.push(...((await getConversation(key, record.id)).events as CuecardEvent[]));
      } catch {
        // A conversation that vanished or failed to load still shows from its record and live events.
      }
    }
  }
  await Promise.all(Array.from({ length: DETAIL_CONCURRENCY }, worker));
  return { records: page.conversations, events };
}

/** Supervisors: every live conversation of the tenant on one board, and the calls just ended. */
export function SupervisorLive() {
  const { key } = useSignedIn();
  const agentName = useAgentNames();
  const load = useCallback(() => loadTenantSnapshot(key), [key]);
  const live = useLiveConversations(key, { scope: 'tenant' }, 'tenant', load);
  const now = useNow();
  const [channel, setChannel] = useState('');
  const [search, setSearch] = useState('');
  const [attentionOnly, setAttentionOnly] = useState(false);
  const ended = useEndedCalls(key, live.conversations, now);

  const rows = useMemo(
    () =>
      Object.values(live.conversations)
        .filter((state) => state.record?.status === 'active')
        .map((state): BoardRow => {
          const view = deriveView(state);
          return {
            id: state.id,
            record: state.record!,
            view,
            agentName: agentName(state.record!.agentId),
            lastLine: lastSpokenLine(view),
            help: helpRequests(state.events),
          };
        })
        .sort((a, b) => Date.parse(a.record.startedAt) - Date.parse(b.record.startedAt)),
    [live.conversations, agentName],
  );
  const channelRows = rows.filter((row) => !channel || row.record.channel === channel);
  const needingAttention = rows.filter((row) => attentionReasons(row).length > 0).length;

  return (
    <div className="supervisor">
      <header className="page-header">
        <div>
          <h1>Live conversations</h1>
          <p className="subtitle">
            {live.loadError && rows.length === 0
              ? 'Conversations in progress are not known yet'
              : rows.length === 1
                ? '1 conversation in progress'
                : `${rows.length} conversations in progress`}
            {needingAttention > 0 ? `, ${needingAttention} needing attention` : ''}
          </p>
        </div>
        <ConnectionBadge state={live.connection} detail={live.connectionDetail} />
      </header>

      <HelpQueue
        conversations={live.conversations}
        apiKey={key}
        loading={live.loading}
        failed={live.loadError !== null}
      />
      <form className="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={search}
            placeholder="Agent, customer, intent or words"
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <label>
          Channel
          <select value={channel} onChange={(event) => setChannel(event.target.value)}>
            <option value="">All channels</option>
            <option value="voice">Voice</option>
            <option value="chat">Chat</option>
            <option value="email">E-mail</option>
          </select>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={attentionOnly}
            onChange={(event) => setAttentionOnly(event.target.checked)}
          />
          Needs attention
        </label>
      </form>

      {live.loadError ? (
        <p className="notice error" role="alert">
          Could not load the conversations: {live.loadError}
        </p>
      ) : null}

      <LiveBoard
        rows={channelRows}
        search={search}
        attentionOnly={attentionOnly}
        now={now}
        empty={
          live.loading
            ? 'Loading…'
            : // After a failed load, an empty board means "unknown", not "none".
              live.loadError && rows.length === 0
              ? 'The conversations could not be loaded.'
              : rows.length === 0
                ? 'No conversation is in progress right now.'
                : 'No conversation matches these filters.'
        }
      />

      <EndedCalls {...ended} agentName={agentName} />
    </div>
  );
}
