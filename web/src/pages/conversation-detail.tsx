import { useCallback, useMemo } from 'react';
import { getConversation } from '../api.js';
import { deriveView } from '../live/conversation-state.js';
import { useLiveConversations, useNow, type Snapshot } from '../live/use-live-conversations.js';
import { useSignedIn } from '../session.js';
import { useAgentNames } from '../agent-names.js';
import { Link } from '../router.js';
import { ConnectionBadge } from '../components/connection-badge.js';
import { Transcript } from '../components/transcript.js';
import {
  AlertsPanel,
  ArticlesPanel,
  NextStepsPanel,
  ReplyPanel,
  SimilarCasesPanel,
} from '../components/assist-panels.js';
import { WrapupPanel } from '../components/wrapup-panel.js';
import { CHANNEL_LABELS, conversationDuration, humanize } from '../format.js';
import type { CuecardEvent } from '../live/types.js';
import { articleTitles, describeEvent } from './event-description.js';
import { SupervisorHelp } from '../escalation/supervisor-help.js';
import { percent } from '../qa/qa-format.js';
import './conversation-detail.css';

/** One conversation, read-only: transcript, what the agent was shown, and the event log. */
export function ConversationDetail({ id }: { id: string }) {
  const { key } = useSignedIn();
  const agentName = useAgentNames();
  const load = useCallback(async (): Promise<Snapshot> => {
    const detail = await getConversation(key, id);
    return { records: [detail.conversation], events: detail.events as CuecardEvent[] };
  }, [key, id]);
  const live = useLiveConversations(
    key,
    { scope: 'conversation', conversationId: id },
    `conversation:${id}`,
    load,
  );
  const now = useNow();
  // The route may name the connector's id; the state is keyed by the internal one.
  const state = Object.values(live.conversations).find(
    (candidate) => candidate.id === id || candidate.record?.externalId === id,
  );
  const view = useMemo(() => (state ? deriveView(state) : null), [state]);
  const titles = useMemo(() => articleTitles(state?.events ?? []), [state?.events]);
  const record = state?.record ?? null;

  return (
    <div className="detail">
      <p className="breadcrumbs">
        <Link to="/supervisor">← Live conversations</Link>
      </p>
      {live.loadError ? (
        <p className="notice error" role="alert">
          Could not load this conversation: {live.loadError}
        </p>
      ) : null}
      {!record || !view ? (
        live.loadError ? null : (
          <p className="empty">Loading…</p>
        )
      ) : (
        <>
          <header className="page-header">
            <div>
              <h1>{record.externalId}</h1>
              <p className="subtitle">
                {CHANNEL_LABELS[record.channel] ?? record.channel} · agent{' '}
                {agentName(record.agentId)} · customer {record.customerId ?? '—'} ·{' '}
                {conversationDuration(record, now)} ·{' '}
                <span className={`status status-${record.status}`}>
                  {record.status === 'active' ? 'Active' : 'Ended'}
                </span>
                {view.intent ? ` · ${humanize(view.intent)}` : ''}
                {view.trend ? ` · customer mood ${view.trend}` : ''}
                {view.health
                  ? ` · churn risk ${percent(view.health.churnRisk)} · CSAT ${view.health.csat.toFixed(1)} / 5`
                  : ''}
              </p>
            </div>
            {record.status === 'active' ? (
              <ConnectionBadge state={live.connection} detail={live.connectionDetail} />
            ) : (
              // Named apart from the navigation's "QA review" (the list): this opens this call's.
              <Link className="button" to={`/qa/conversations/${encodeURIComponent(record.id)}`}>
                Review this call in QA
              </Link>
            )}
          </header>
          <div className="console-grid">
            <section className="panel conversation" aria-labelledby="transcript-title">
              <h2 id="transcript-title">Transcript</h2>
              <Transcript lines={view.lines} follow={record.status === 'active'} />
            </section>
            <aside className="assist" aria-label="What the agent was shown">
              <SupervisorHelp state={state!} apiKey={key} />
              <AlertsPanel alerts={view.alerts} />
              <ReplyPanel view={view} />
              <NextStepsPanel view={view} />
              {view.articles.length > 0 ? <ArticlesPanel view={view} /> : null}
              <SimilarCasesPanel view={view} />
              <WrapupPanel
                view={view}
                agent={{ apiKey: key, conversationId: record.id, editable: false }}
              />
              <section className="panel events" aria-labelledby="events-title">
                <h2 id="events-title">Events</h2>
                {/* Scrolls on its own: focusable so keyboard users can scroll it too. */}
                <ol className="event-log" tabIndex={0} aria-labelledby="events-title">
                  {state!.events.map((event) => (
                    <li key={event.id ?? `${event.type}-${event.at}`}>
                      <time dateTime={event.at}>{new Date(event.at).toLocaleTimeString()}</time>{' '}
                      {describeEvent(event, titles)}
                    </li>
                  ))}
                </ol>
              </section>
            </aside>
          </div>
        </>
      )}
    </div>
  );
}
