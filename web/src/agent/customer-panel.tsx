import { useEffect, useState } from 'react';
import { ApiError } from '../api.js';
import { CHANNEL_LABELS, followUpKindName, humanize } from '../format.js';
import { formatDateTime, riskLevel } from '../qa/qa-format.js';
import type { ConversationView } from '../live/conversation-state.js';
import { getConversationCustomer, type CustomerOverview } from './customer-api.js';
import { attributeLabel, attributeValue } from './customer-format.js';
import './customer-panel.css';

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; overview: CustomerOverview };

/**
 * The customer's overview for one conversation. Fetched again when the conversation ends: its
 * own promises become follow-up tasks then.
 */
function useCustomerOverview(apiKey: string, conversationId: string, ended: boolean): Loaded {
  const [loaded, setLoaded] = useState<Loaded & { for: string }>({
    state: 'loading',
    for: conversationId,
  });
  useEffect(() => {
    let cancelled = false;
    getConversationCustomer(apiKey, conversationId).then(
      (overview) => !cancelled && setLoaded({ state: 'ready', overview, for: conversationId }),
      (error: unknown) =>
        !cancelled &&
        setLoaded({
          state: 'failed',
          for: conversationId,
          message:
            error instanceof ApiError || error instanceof Error
              ? error.message
              : 'The service did not answer.',
        }),
    );
    return () => {
      cancelled = true;
    };
  }, [apiKey, conversationId, ended]);
  // A switch shows "loading" at once, never the previous customer.
  return loaded.for === conversationId ? loaded : { state: 'loading' };
}

function LiveHealth({ view }: { view: ConversationView }) {
  const health = view.health;
  if (view.unavailable['customer-health'])
    return <p className="meta">Live estimate not available in this language.</p>;
  if (!health)
    return <p className="meta">The live estimate starts with the customer's first turn.</p>;
  const risk = riskLevel(health.churnRisk);
  return (
    <>
      <dl className="customer-facts health">
        <div>
          <dt>CSAT estimate</dt>
          <dd>
            <strong>{health.csat.toFixed(1)}</strong> <span className="meta">of 5</span>
          </dd>
        </div>
        <div>
          <dt>Churn risk</dt>
          <dd className={`risk risk-${risk}`}>
            {Math.round(health.churnRisk * 100)}% <span className="risk-word">{risk}</span>
          </dd>
        </div>
      </dl>
      {health.churnReasons.length > 0 ? (
        <ul className="churn-reasons" aria-label="Why the churn risk">
          {health.churnReasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function Attributes({ overview }: { overview: CustomerOverview }) {
  const entries = Object.entries(overview.attributes);
  if (entries.length === 0)
    return <p className="meta">No details were sent with this conversation.</p>;
  return (
    <dl className="customer-facts">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{attributeLabel(key)}</dt>
          <dd>{attributeValue(key, value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function History({ overview }: { overview: CustomerOverview }) {
  return (
    <>
      <h3 className="customer-sub">Open follow-ups</h3>
      {overview.openFollowUps.length === 0 ? (
        <p className="meta">Nothing promised is open.</p>
      ) : (
        <ul className="customer-list follow-ups">
          {overview.openFollowUps.map((task) => (
            <li key={task.id}>
              <strong>{followUpKindName(task.kind)}</strong>
              <span className="meta">
                {task.dueAt ? ` · due ${formatDateTime(task.dueAt)}` : ' · no due date'}
              </span>
              <p>{task.draftMessage}</p>
            </li>
          ))}
        </ul>
      )}
      <h3 className="customer-sub">Earlier contacts</h3>
      {overview.priorContacts.length === 0 ? (
        <p className="meta">First contact with this customer.</p>
      ) : (
        <ol className="customer-list contacts">
          {overview.priorContacts.map((contact) => (
            <li key={contact.conversationId}>
              <span className="meta">
                {formatDateTime(contact.startedAt)} · {CHANNEL_LABELS[contact.channel]}
              </span>
              <p className="outcome">
                {contact.status === 'active' ? (
                  'Still open'
                ) : contact.outcome ? (
                  <>
                    {humanize(contact.outcome.code)}
                    {contact.outcome.confirmed ? null : <span className="meta"> (suggested)</span>}
                  </>
                ) : (
                  <span className="meta">No wrap-up code</span>
                )}
              </p>
              {contact.summary ? <p className="contact-summary">{contact.summary}</p> : null}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

/** Who is on the line: what the connector sent, how they feel now, and what happened before. */
export function CustomerPanel({
  apiKey,
  conversationId,
  ended,
  view,
}: {
  apiKey: string;
  conversationId: string;
  ended: boolean;
  view: ConversationView;
}) {
  const loaded = useCustomerOverview(apiKey, conversationId, ended);
  return (
    <section
      className="panel customer"
      aria-labelledby="customer-title"
      aria-busy={loaded.state === 'loading'}
    >
      <h2 id="customer-title">Customer</h2>
      {loaded.state === 'loading' ? (
        <p className="meta">Loading the customer…</p>
      ) : loaded.state === 'failed' ? (
        <p className="notice error" role="alert">
          Could not load the customer: {loaded.message}
        </p>
      ) : (
        <Attributes overview={loaded.overview} />
      )}
      <h3 className="customer-sub">Right now</h3>
      <LiveHealth view={view} />
      {loaded.state === 'ready' ? <History overview={loaded.overview} /> : null}
    </section>
  );
}
