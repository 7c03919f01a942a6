import { useEffect, useReducer, useRef, useState } from 'react';
import {
  openSubscription,
  type ConnectionState,
  type SubscriptionRequest,
} from './subscription.js';
import {
  applyEvent,
  applyEvents,
  applyRecord,
  type ConversationsState,
} from './conversation-state.js';
import type { ConversationRecord, CuecardEvent } from './types.js';

type Action =
  | { type: 'event'; event: CuecardEvent }
  | { type: 'snapshot'; records: ConversationRecord[]; events: CuecardEvent[] }
  | { type: 'reset' };

function reducer(state: ConversationsState, action: Action): ConversationsState {
  switch (action.type) {
    case 'event':
      return applyEvent(state, action.event);
    case 'snapshot':
      return applyEvents(action.records.reduce(applyRecord, state), action.events);
    case 'reset':
      return {};
  }
}

export interface Snapshot {
  records: ConversationRecord[];
  events: CuecardEvent[];
}

export interface LiveConversations {
  conversations: ConversationsState;
  connection: ConnectionState;
  connectionDetail: string | undefined;
  loading: boolean;
  loadError: string | null;
}

/**
 * Follows conversations live: the socket subscribes first, then the REST snapshot is loaded,
 * so whatever is written in between arrives on the socket; the overlap is dropped by event id.
 * `requestKey` must change whenever `request` or `load` mean something else.
 */
export function useLiveConversations(
  key: string,
  request: SubscriptionRequest,
  requestKey: string,
  load: () => Promise<Snapshot>,
  options: { live?: boolean } = {},
): LiveConversations {
  const [conversations, dispatch] = useReducer(reducer, {});
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [connectionDetail, setConnectionDetail] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const latest = useRef({ request, load });
  latest.current = { request, load };
  const live = options.live ?? true;

  useEffect(() => {
    dispatch({ type: 'reset' });
    setLoading(true);
    setLoadError(null);
    const subscription = live
      ? openSubscription({
          key,
          request: latest.current.request,
          cursor: null,
          onEvent: (event) => dispatch({ type: 'event', event }),
          onState: (state, detail) => {
            setConnection(state);
            setConnectionDetail(detail);
          },
        })
      : null;
    let cancelled = false;
    latest.current
      .load()
      .then((snapshot) => {
        if (cancelled) return;
        dispatch({ type: 'snapshot', ...snapshot });
        // Until the socket has carried an event, a reconnect resumes after the snapshot.
        let maxId: number | null = null;
        for (const event of snapshot.events)
          if (event.id !== null && (maxId === null || event.id > maxId)) maxId = event.id;
        if (maxId !== null) subscription?.resumeAfter(maxId);
      })
      .catch((error: unknown) => {
        if (!cancelled) setLoadError(error instanceof Error ? error.message : 'Loading failed.');
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
      subscription?.close();
    };
  }, [key, requestKey, live]);

  return { conversations, connection, connectionDetail, loading, loadError };
}

/** Re-renders every `intervalMs` (durations on screen). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
