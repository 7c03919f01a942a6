import type { Cuecard } from '../../src/app/compose-cuecard.js';
import type { CuecardEvent } from '../../src/conversations/events.js';
import {
  applyEvent,
  deriveView,
  type ConversationView,
  type ConversationsState,
} from '../../web/src/live/conversation-state.js';
import { TestSocket } from '../support/ws-client.js';
import type { GoldenConversation } from './golden-conversation.js';

/** What one golden conversation produced, as the agent's console received and derived it. */
export interface GoldenRun {
  conversationId: string;
  /** Every event a conversation subscriber received, live previews included. */
  events: CuecardEvent[];
  /** The agent console's view after each turn was analysed: `views[i]` follows turn i + 1. */
  views: ConversationView[];
  /** The view once the wrap-up is done. */
  final: ConversationView;
}

/**
 * Plays a golden conversation into the running service over the real sockets: a connector sends
 * each final turn and waits for its analysis; an agent-side subscriber receives the stream, and
 * the console's own state functions turn it into what the agent sees after every turn.
 */
export async function playGolden(
  cuecard: Cuecard,
  wsUrl: string,
  golden: GoldenConversation,
): Promise<GoldenRun> {
  const keys = cuecard.devKeys!.keys;
  const conversationId = `${golden.id}-${process.pid}-${Date.now()}`;
  const connector = await TestSocket.connect(`${wsUrl}/ws/ingest`, keys.connector);
  const subscriber = await TestSocket.connect(`${wsUrl}/ws/subscribe`, keys.supervisor);
  try {
    const opened = await connector.request(
      {
        type: 'open',
        conversationId,
        channel: golden.channel,
        agentId: cuecard.devKeys!.agentId,
        ...(golden.customerId ? { customerId: golden.customerId } : {}),
        ...(golden.customerAttributes ? { customerAttributes: golden.customerAttributes } : {}),
      },
      (m) => m.type === 'opened' || m.type === 'error',
    );
    if (opened.type === 'error') throw new Error(`open refused: ${JSON.stringify(opened)}`);
    await subscriber.request(
      { type: 'subscribe', scope: 'conversation', conversationId, cursor: 0 },
      (m) => m.type === 'subscribed' || m.type === 'error',
    );
    let state: ConversationsState = {};
    const events: CuecardEvent[] = [];
    let consumed = 0;
    const take = () => {
      for (const message of subscriber.messages.slice(consumed)) {
        if (message.type !== 'event') continue;
        const event = message.event as CuecardEvent;
        events.push(event);
        state = applyEvent(state, event);
      }
      consumed = subscriber.messages.length;
    };
    const settle = async () => {
      await cuecard.services.pipeline.drain();
      const { rows } = await cuecard.services.db.query<{ id: string | null }>(
        `SELECT max(e.id)::text AS id FROM events e JOIN conversations c ON c.id = e.conversation_id
          WHERE c.external_id = $1`,
        [conversationId],
      );
      const last = Number(rows[0]?.id ?? 0);
      const seen = () =>
        subscriber.messages.some(
          (m) => m.type === 'event' && Number((m.event as { id: number | null }).id) >= last,
        );
      if (last > 0 && !seen()) await subscriber.next(() => seen());
      take();
    };
    const views: ConversationView[] = [];
    const internalId = () => Object.keys(state)[0];
    for (const [index, turn] of golden.turns.entries()) {
      const seq = index + 1;
      const message =
        'action' in turn
          ? { type: 'action', conversationId, seq, action: turn.action, data: turn.data ?? {} }
          : {
              type: 'utterance',
              conversationId,
              seq,
              speaker: turn.speaker,
              text: turn.text,
              final: true,
            };
      const reply = await connector.request(message, (m) => m.type === 'ack' || m.type === 'error');
      if (reply.type === 'error') throw new Error(`turn ${seq} refused: ${JSON.stringify(reply)}`);
      await settle();
      const id = internalId();
      views.push(deriveView(state[id!]!));
    }
    const ended = await connector.request(
      { type: 'end', conversationId },
      (m) => m.type === 'ended' || m.type === 'error',
    );
    if (ended.type === 'error') throw new Error(`end refused: ${JSON.stringify(ended)}`);
    await settle();
    return { conversationId, events, views, final: deriveView(state[internalId()!]!) };
  } finally {
    await Promise.all([connector.close(), subscriber.close()]);
  }
}
