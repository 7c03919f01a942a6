import WebSocket from 'ws';
import type { IngestSocket } from './replay-call.js';

/**
 * A connector-side client for /ws/ingest. One socket may carry many conversations: the server
 * answers the messages of one conversation in the order they were sent, different conversations
 * in any order, so replies are matched to requests first-in first-out per conversation.
 */
export async function connectIngest(
  wsUrl: string,
  key: string,
): Promise<IngestSocket & { close(): void }> {
  const socket = new WebSocket(`${wsUrl}/ws/ingest?key=${encodeURIComponent(key)}`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) =>
      reject(new Error(`ingest handshake refused: HTTP ${res.statusCode}`)),
    );
  });
  const pending = new Map<string, Array<(reply: Record<string, unknown>) => void>>();
  const laneOf = (message: Record<string, unknown>) =>
    typeof message.conversationId === 'string' ? message.conversationId : '';
  socket.on('message', (data) => {
    const reply = JSON.parse(data.toString()) as Record<string, unknown>;
    if (reply.type === 'pong') return;
    // A frame the server could not read names no conversation: it answers the oldest request.
    const lane = pending.has(laneOf(reply)) ? laneOf(reply) : [...pending.keys()][0];
    const waiting = lane === undefined ? undefined : pending.get(lane);
    waiting?.shift()?.(reply);
    if (lane !== undefined && waiting?.length === 0) pending.delete(lane);
  });
  return {
    send: (message) => socket.send(JSON.stringify(message)),
    request: (message) =>
      new Promise((resolve) => {
        const lane = laneOf(message);
        pending.set(lane, [...(pending.get(lane) ?? []), resolve]);
        socket.send(JSON.stringify(message));
      }),
    close: () => socket.close(),
  };
}

/** A subscriber for /ws/subscribe that hands every event to `onEvent`. */
export async function connectSubscriber(
  wsUrl: string,
  key: string,
  subscription: Record<string, unknown>,
  onEvent: (event: Record<string, unknown> & { type: string }) => void,
): Promise<{ close(): void }> {
  const socket = new WebSocket(`${wsUrl}/ws/subscribe?key=${encodeURIComponent(key)}`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) =>
      reject(new Error(`subscribe handshake refused: HTTP ${res.statusCode}`)),
    );
  });
  const subscribed = new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (message.type === 'subscribed') resolve();
      else if (message.type === 'error')
        reject(new Error(`subscribe refused: ${String(message.message)}`));
      else if (message.type === 'event')
        onEvent(message.event as Record<string, unknown> & { type: string });
    });
  });
  socket.send(JSON.stringify({ type: 'subscribe', ...subscription }));
  await subscribed;
  return { close: () => socket.close() };
}
