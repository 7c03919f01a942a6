import { useCallback, useMemo, useState } from 'react';
import { getConversation, listConversations } from '../api.js';
import { deriveView, type ConversationState } from '../live/conversation-state.js';
import { useLiveConversations, useNow, type Snapshot } from '../live/use-live-conversations.js';
import { useSignedIn } from '../session.js';
import { ConnectionBadge } from '../components/connection-badge.js';
import { Transcript } from '../components/transcript.js';
import {
  AlertsPanel,
  ArticlesPanel,
  NextStepsPanel,
  ReplyPanel,
  SimilarCasesPanel,
} from '../components/assist-panels.js';
import { AnswerPanel } from '../components/answer-panel.js';
import { WrapupPanel } from '../components/wrapup-panel.js';
import { CHANNEL_LABELS, conversationDuration, humanize, notAvailableIn } from '../format.js';
import type { CuecardEvent } from '../live/types.js';
import { FeedbackMemoryContext, type FeedbackMemory } from '../components/feedback-buttons.js';
import { CustomerPanel } from '../agent/customer-panel.js';
import { ShortcutsList } from '../agent/shortcuts-list.js';
import { useAgentShortcuts } from '../agent/use-shortcuts.js';
import { AgentHelp } from '../escalation/agent-help.js';
import { AgentKnowledgeProvider } from '../agent/agent-knowledge.js';
import { KnowledgeSearch } from '../agent/knowledge-search.js';
import { ReplyDraft } from '../agent/reply-draft.js';

const NO_FEEDBACK: Record<string, string> = {};

/** The agent's conversations: the active ones in full, plus the newest so a just-ended call stays readable. */
async function loadAgentSnapshot(key: string): Promise<Snapshot> {
  const page = await listConversations(key, { limit: '10' });
  const wanted = page.conversations.filter(
    (record, index) => record.status === 'active' || index === 0,
  );
  const details = await Promise.all(wanted.map((record) => getConversation(key, record.id)));
  return {
    records: page.conversations,
    events: details.flatMap((detail) => detail.events as CuecardEvent[]),
  };
}

function startedAt(state: ConversationState): number {
  return state.record ? Date.parse(state.record.startedAt) : 0;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * A tab's words: two calls of one customer must differ, so besides the customer it names the
 * channel, the start time and the end of the connector's id.
 */
function tabLabel(state: ConversationState): { customer: string; detail: string } {
  const record = state.record;
  if (!record) return { customer: 'Conversation', detail: '' };
  const shortId =
    record.externalId.length > 8 ? `…${record.externalId.slice(-6)}` : record.externalId;
  return {
    customer: record.customerId ?? 'Unknown customer',
    detail: [
      CHANNEL_LABELS[record.channel] ?? record.channel,
      clock.format(new Date(record.startedAt)),
      shortId,
    ].join(' · '),
  };
}

/** Verdicts the agent gave: the stored feedback events, plus clicks whose event is on its way. */
function useFeedbackMemory(conversationId: string | null, stored: Record<string, string>) {
  const [clicked, setClicked] = useState<Record<string, Record<string, string>>>({});
  return useMemo<FeedbackMemory>(
    () => ({
      given: { ...(conversationId ? clicked[conversationId] : undefined), ...stored },
      remember: (suggestionId, verdict) => {
        if (!conversationId) return;
        setClicked((current) => ({
          ...current,
          [conversationId]: { ...current[conversationId], [suggestionId]: verdict },
        }));
      },
    }),
    [clicked, conversationId, stored],
  );
}

/**
 * The agent console: follows the key's agent's live conversation (the newest one not yet
 * ended; the agent may pick another when several are active) with its assist panels.
 */
export function AgentConsole() {
  const { key } = useSignedIn();
  const load = useCallback(() => loadAgentSnapshot(key), [key]);
  const live = useLiveConversations(key, { scope: 'agent' }, 'agent', load);
  const [chosen, setChosen] = useState<string | null>(null);
  const now = useNow();

  const known = useMemo(
    () =>
      Object.values(live.conversations)
        .filter((state) => state.record !== null)
        .sort((a, b) => startedAt(b) - startedAt(a)),
    [live.conversations],
  );
  const active = known.filter((state) => state.record?.status === 'active');
  // Follow the agent's choice while it is live; otherwise the newest active call; otherwise the last one seen.
  const current =
    active.find((state) => state.id === chosen) ??
    active[0] ??
    known.find((state) => state.id === chosen) ??
    known[0] ??
    null;
  const view = useMemo(() => (current ? deriveView(current) : null), [current]);
  const record = current?.record ?? null;
  const feedbackMemory = useFeedbackMemory(current?.id ?? null, view?.feedback ?? NO_FEEDBACK);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  useAgentShortcuts({
    switchTo: (index) => {
      const target = active[index];
      if (target) setChosen(target.id);
    },
    toggleShortcuts: () => setShortcutsOpen((open) => !open),
    closeShortcuts: () => {
      if (!shortcutsOpen) return false;
      setShortcutsOpen(false);
      return true;
    },
  });

  return (
    <div className="agent-console">
      <header className="page-header agent-bar">
        <div>
          <h1>Agent console</h1>
          <p className="subtitle">
            {active.length === 0
              ? live.loadError
                ? 'Your conversations are not known yet'
                : 'No active conversation'
              : active.length === 1
                ? '1 active conversation'
                : `${active.length} active conversations`}
          </p>
        </div>
        {/* The header action bar: whole-call actions ("Ask for help") mount here, before the shortcuts. */}
        <div className="agent-actions">
          <button
            type="button"
            className="button small ghost"
            aria-expanded={shortcutsOpen}
            aria-controls="agent-shortcuts"
            onClick={() => setShortcutsOpen((open) => !open)}
          >
            Shortcuts <kbd>?</kbd>
          </button>
          <ConnectionBadge state={live.connection} detail={live.connectionDetail} />
        </div>
      </header>
      {shortcutsOpen ? <ShortcutsList onClose={() => setShortcutsOpen(false)} /> : null}

      {live.loadError ? (
        <p className="notice error" role="alert">
          Could not load your conversations: {live.loadError}
        </p>
      ) : null}

      {active.length > 1 ? (
        <nav className="conversation-tabs" aria-label="Active conversations">
          {active.map((state, index) => {
            const label = tabLabel(state);
            return (
              <button
                key={state.id}
                type="button"
                className={`tab${state.id === current?.id ? ' selected' : ''}`}
                aria-pressed={state.id === current?.id}
                aria-keyshortcuts={index < 9 ? `Alt+${index + 1}` : undefined}
                onClick={() => setChosen(state.id)}
              >
                {label.customer}
                <span className="tab-detail"> · {label.detail}</span>
              </button>
            );
          })}
        </nav>
      ) : null}

      {!current || !record || !view ? (
        <section className="waiting" aria-live="polite">
          <h2>
            {live.loading
              ? 'Loading your conversations…'
              : live.loadError
                ? 'Calls already under way could not be loaded'
                : 'Waiting for your next conversation'}
          </h2>
          {!live.loading ? (
            <p>
              {/* The live feed may still work when the first load failed: new calls still arrive. */}
              {live.loadError
                ? 'A call routed to you from now on still appears here. Reload the page to try again.'
                : 'When a call or chat is routed to you, its transcript and suggestions appear here.'}
            </p>
          ) : null}
        </section>
      ) : (
        <FeedbackMemoryContext.Provider value={feedbackMemory}>
          <AgentKnowledgeProvider apiKey={key} conversationId={current.id}>
            <div className="console-grid">
              {/* Left column: the call and its transcript (the only part of it that scrolls). */}
              <section className="panel conversation" aria-labelledby="conversation-title">
                <div className="conversation-header">
                  <h2 id="conversation-title">
                    {record.customerId ? `Customer ${record.customerId}` : 'Conversation'}{' '}
                    <span className="meta">{record.externalId}</span>
                  </h2>
                  <dl className="facts">
                    <div>
                      <dt>Channel</dt>
                      <dd>{CHANNEL_LABELS[record.channel] ?? record.channel}</dd>
                    </div>
                    <div>
                      <dt>Duration</dt>
                      <dd>{conversationDuration(record, now)}</dd>
                    </div>
                    <div>
                      <dt>Status</dt>
                      <dd>
                        <span className={`status status-${record.status}`}>
                          {record.status === 'active' ? 'Active' : 'Ended'}
                        </span>
                      </dd>
                    </div>
                    {view.unavailable.intent ? (
                      <div>
                        <dt>Intent</dt>
                        <dd className="meta">{notAvailableIn(view.unavailable.intent)}</dd>
                      </div>
                    ) : view.intent ? (
                      <div>
                        <dt>Intent</dt>
                        <dd>{humanize(view.intent)}</dd>
                      </div>
                    ) : null}
                    {view.unavailable.sentiment ? (
                      <div>
                        <dt>Customer mood</dt>
                        <dd className="meta">{notAvailableIn(view.unavailable.sentiment)}</dd>
                      </div>
                    ) : view.trend ? (
                      <div>
                        <dt>Customer mood</dt>
                        <dd className={`trend trend-${view.trend}`}>{view.trend}</dd>
                      </div>
                    ) : null}
                  </dl>
                </div>
                <Transcript lines={view.lines} />
              </section>
              {/* Middle column: assist panels, scrolling on their own; new panels mount here. */}
              <div className="assist assist-column" role="region" aria-label="Assist" tabIndex={0}>
                <AgentHelp state={current} apiKey={key} />
                <AlertsPanel alerts={view.alerts} />
                <AnswerPanel view={view} apiKey={key} />
                <ReplyPanel view={view} feedback={{ apiKey: key, conversationId: current.id }} />
                <ReplyDraft />
                <NextStepsPanel
                  view={view}
                  feedback={{ apiKey: key, conversationId: current.id }}
                />
                <KnowledgeSearch />
                <ArticlesPanel view={view} feedback={{ apiKey: key, conversationId: current.id }} />
                <SimilarCasesPanel view={view} />
                <div className="shortcut-slot" data-shortcut="wrapup" tabIndex={-1}>
                  <WrapupPanel
                    view={view}
                    agent={{ apiKey: key, conversationId: current.id, editable: true }}
                  />
                </div>
              </div>
              {/* Right column: who the customer is; context panels (supervisor notes) mount here. */}
              <aside className="context-column" aria-label="Customer" tabIndex={0}>
                <CustomerPanel
                  apiKey={key}
                  conversationId={current.id}
                  ended={record.status === 'ended'}
                  view={view}
                />
              </aside>
            </div>
          </AgentKnowledgeProvider>
        </FeedbackMemoryContext.Provider>
      )}
    </div>
  );
}
