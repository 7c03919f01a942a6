import { useCallback, useMemo, useState } from 'react';
import { getConversation, listConversations } from '../api.js';
import { deriveView } from '../live/conversation-state.js';
import { useLiveConversations, useNow, type Snapshot } from '../live/use-live-conversations.js';
import { useSignedIn } from '../session.js';
import { useAgentNames } from '../agent-names.js';
import { Link } from '../router.js';
import { ConnectionBadge } from '../components/connection-badge.js';
import { DataTable } from '../components/data-table.js';
import { CHANNEL_LABELS, conversationDuration, humanize, notAvailableIn } from '../format.js';
import type { CuecardEvent } from '../live/types.js';
import { HelpQueue } from '../escalation/help-queue.js';

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

const TREND_ARROWS: Record<string, string> = { improving: '↗', worsening: '↘', steady: '→' };

/** Supervisors: every live conversation of the tenant, filterable, one click from its detail. */
export function SupervisorLive() {
  const { key } = useSignedIn();
  const agentName = useAgentNames();
  const load = useCallback(() => loadTenantSnapshot(key), [key]);
  const live = useLiveConversations(key, { scope: 'tenant' }, 'tenant', load);
  const now = useNow();
  const [channel, setChannel] = useState('');
  const [agent, setAgent] = useState('');
  const [alertsOnly, setAlertsOnly] = useState(false);

  const rows = useMemo(
    () =>
      Object.values(live.conversations)
        .filter((state) => state.record?.status === 'active')
        .map((state) => ({ state, record: state.record!, view: deriveView(state) }))
        .sort((a, b) => Date.parse(a.record.startedAt) - Date.parse(b.record.startedAt)),
    [live.conversations],
  );
  const agents = useMemo(
    () =>
      [
        ...new Set(rows.map((row) => row.record.agentId).filter((id): id is string => id !== null)),
      ].sort(),
    [rows],
  );
  const shown = rows.filter(
    (row) =>
      (!channel || row.record.channel === channel) &&
      (!agent || row.record.agentId === agent) &&
      (!alertsOnly || row.view.alerts.length > 0),
  );

  return (
    <div className="supervisor">
      <header className="page-header">
        <div>
          <h1>Live conversations</h1>
          <p className="subtitle">
            {rows.length === 1
              ? '1 conversation in progress'
              : `${rows.length} conversations in progress`}
          </p>
        </div>
        <ConnectionBadge state={live.connection} detail={live.connectionDetail} />
      </header>

      <HelpQueue conversations={live.conversations} apiKey={key} loading={live.loading} />
      <form className="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Channel
          <select value={channel} onChange={(event) => setChannel(event.target.value)}>
            <option value="">All channels</option>
            <option value="voice">Voice</option>
            <option value="chat">Chat</option>
            <option value="email">E-mail</option>
          </select>
        </label>
        <label>
          Agent
          <select value={agent} onChange={(event) => setAgent(event.target.value)}>
            <option value="">All agents</option>
            {agents.map((id) => (
              <option key={id} value={id}>
                {agentName(id)}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={alertsOnly}
            onChange={(event) => setAlertsOnly(event.target.checked)}
          />
          Only with alerts
        </label>
      </form>

      {live.loadError ? (
        <p className="notice error" role="alert">
          Could not load the conversations: {live.loadError}
        </p>
      ) : null}

      <div className="table-wrap">
        <DataTable
          className="conversations"
          caption="Active conversations"
          columns={[
            'Conversation',
            'Agent',
            'Channel',
            'Customer',
            'Duration',
            'Intent',
            'Sentiment trend',
            'Alerts',
          ]}
          rows={shown}
          empty={
            live.loading
              ? 'Loading…'
              : rows.length === 0
                ? 'No conversation is in progress right now.'
                : 'No conversation matches these filters.'
          }
          renderRow={({ state, record, view }) => (
            <tr key={state.id} className={view.alerts.length > 0 ? 'has-alerts' : undefined}>
              <th scope="row">
                <Link to={`/supervisor/conversations/${encodeURIComponent(record.id)}`}>
                  {record.externalId}
                </Link>
              </th>
              <td className="agent-cell">{agentName(record.agentId)}</td>
              <td>{CHANNEL_LABELS[record.channel] ?? record.channel}</td>
              <td>{record.customerId ?? '—'}</td>
              <td className="numeric">{conversationDuration(record, now)}</td>
              <td>
                {view.unavailable.intent ? (
                  <span className="meta">{notAvailableIn(view.unavailable.intent)}</span>
                ) : view.intent ? (
                  humanize(view.intent)
                ) : (
                  <span className="meta">—</span>
                )}
              </td>
              <td>
                {view.unavailable.sentiment ? (
                  <span className="meta">{notAvailableIn(view.unavailable.sentiment)}</span>
                ) : view.trend ? (
                  <span className={`trend trend-${view.trend}`}>
                    <span aria-hidden="true">{TREND_ARROWS[view.trend]} </span>
                    {view.trend}
                  </span>
                ) : (
                  <span className="meta">—</span>
                )}
              </td>
              <td className="numeric">
                {view.alerts.length > 0 ? (
                  <span className="alert-count" aria-label={`${view.alerts.length} alerts`}>
                    {view.alerts.length}
                  </span>
                ) : (
                  '0'
                )}
              </td>
            </tr>
          )}
        />
      </div>
    </div>
  );
}
