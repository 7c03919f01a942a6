import type { CuecardEvent } from './types.js';

export type SubscriptionRequest =
  | { scope: 'agent'; agentId?: string }
  | { scope: 'tenant' }
  | { scope: 'conversation'; conversationId: string };

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface SubscriptionOptions {
  key: string;
  request: SubscriptionRequest;
  /**
   * Where to start: an event `position`, or the id of the last event already held (e.g. from a
   * REST snapshot); null = live only from now.
   */
  cursor: number | string | null;
  onEvent(event: CuecardEvent): void;
  onState(state: ConnectionState, detail?: string): void;
  /** Base of the socket URL; default: this page's origin. */
  origin?: string;
}

export interface Subscription {
  close(): void;
  /** The position of the last durable event delivered: where a reconnect resumes. */
  lastPosition(): string | null;
  /**
   * Events up to `id` are already held (a REST snapshot): if the socket has carried none yet, a
   * reconnect resumes after it instead of missing what happened while it was down.
   */
  resumeAfter(id: number): void;
}

const BACKOFF_MS = [300, 1_000, 2_000, 5_000, 10_000];

/**
 * A /ws/subscribe socket that comes back by itself. It remembers the `position` of the last
 * durable event it was sent and resubscribes with it as `cursor`, so the server replays exactly
 * what was missed. Every event it is sent is kept: events arrive in commit order, in which ids
 * need not increase (a lower id than one already seen is a new event); only an id already seen
 * is a repeat (a resume from a REST snapshot's id may replay some).
 */
export function openSubscription(options: SubscriptionOptions): Subscription {
  // The resume cursor: positions arrive in increasing order.
  let lastPosition = typeof options.cursor === 'string' ? options.cursor : null;
  let resumeHint = typeof options.cursor === 'number' ? options.cursor : null;
  // Recent ids, to drop repeats; bounded.
  const seen = new Set<number>();
  const SEEN_LIMIT = 10_000;
  let socket: WebSocket | null = null;
  let closed = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const origin = options.origin ?? window.location.origin.replace(/^http/, 'ws');

  function cursorField(): { cursor?: number | string } {
    const cursor = lastPosition ?? resumeHint;
    return cursor !== null ? { cursor } : {};
  }

  function connect(): void {
    options.onState(attempt === 0 ? 'connecting' : 'reconnecting');
    const current = new WebSocket(`${origin}/ws/subscribe?key=${encodeURIComponent(options.key)}`);
    socket = current;
    let refused = false;
    current.addEventListener('open', () => {
      current.send(JSON.stringify({ type: 'subscribe', ...options.request, ...cursorField() }));
    });
    current.addEventListener('message', (message: MessageEvent<string>) => {
      let frame: {
        type?: string;
        event?: CuecardEvent;
        code?: string;
        message?: string;
        retryable?: boolean;
      };
      try {
        frame = JSON.parse(message.data) as typeof frame;
      } catch {
        return;
      }
      if (frame.type === 'subscribed') {
        attempt = 0;
        options.onState('live');
      } else if (frame.type === 'event' && frame.event) {
        const event = frame.event;
        if (event.id !== null) {
          if (seen.has(event.id)) return;
          seen.add(event.id);
          if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value!);
          if (event.position !== null) lastPosition = event.position;
        }
        options.onEvent(event);
      } else if (frame.type === 'error' && frame.retryable === false) {
        // The subscription itself was refused (not found, forbidden): retrying will not help.
        refused = true;
        options.onState('refused', frame.message ?? frame.code);
        current.close();
      }
    });
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = null;
      if (closed || refused) return;
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 10_000;
      attempt++;
      options.onState('reconnecting');
      retryTimer = setTimeout(connect, delay);
    });
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retryTimer);
      socket?.close();
      socket = null;
    },
    lastPosition: () => lastPosition,
    resumeAfter(id) {
      if (resumeHint === null || id > resumeHint) resumeHint = id;
    },
  };
}
