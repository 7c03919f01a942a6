import type { KeyWatch } from './key-watch.js';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { authorize } from '../plugins/auth.js';
import { assertNever } from '../../conversations/events.js';
import { ingestMessageSchema, ingestMessageTypes, type IngestMessage } from './protocol.js';
import { runMessageLoop } from './message-loop.js';
import { send } from './socket-errors.js';

/**
 * `/ws/ingest`: connectors (speech-to-text bridges, chat platforms) stream conversations in.
 * Every final item is acknowledged only after it is durable. One socket may carry many
 * conversations: the messages of one conversation are handled in arrival order (its acks come
 * back in the order its items were sent), different conversations side by side.
 */
export function registerIngestGateway(
  app: FastifyInstance,
  services: Services,
  keys: Pick<KeyWatch, 'watch'>,
): void {
  app.get(
    '/ws/ingest',
    {
      websocket: true,
      // Checked before the upgrade, so a wrong key fails the handshake with 401/403.
      preValidation: async (request) => {
        authorize(request, 'ingest');
      },
    },
    (socket, request) => {
      const principal = request.principal!;
      // Closed (4401) when the key is revoked, wherever that happens.
      keys.watch(principal.keyId, socket);

      /** Sent only once the item is durable (or was already). */
      function ack(result: {
        conversationId: string;
        seq: number;
        lastSeq: number;
        status: 'stored' | 'duplicate';
      }) {
        send(socket, {
          type: 'ack',
          conversationId: result.conversationId,
          seq: result.seq,
          lastSeq: result.lastSeq,
          duplicate: result.status === 'duplicate',
        });
      }

      async function handle(message: IngestMessage): Promise<void> {
        switch (message.type) {
          case 'open': {
            const { conversation, created } = await services.ingest.open(principal, {
              externalId: message.conversationId,
              channel: message.channel,
              agentId: message.agentId,
              customerId: message.customerId,
              customerAttributes: message.customerAttributes,
              language: message.language,
              metadata: message.metadata,
            });
            send(socket, {
              type: 'opened',
              conversationId: message.conversationId,
              id: conversation.id,
              status: conversation.status,
              lastSeq: conversation.lastSeq,
              resumed: !created,
            });
            return;
          }
          case 'utterance': {
            const result = await services.ingest.utterance(principal, message);
            if (result.status !== 'preview') ack(result);
            return;
          }
          case 'action': {
            ack(await services.ingest.action(principal, message));
            return;
          }
          case 'end': {
            const result = await services.ingest.end(principal, message);
            send(socket, {
              type: 'ended',
              conversationId: message.conversationId,
              lastSeq: result.lastSeq,
              alreadyEnded: result.alreadyEnded,
            });
            return;
          }
          case 'ping':
            send(socket, { type: 'pong' });
            return;
          default:
            assertNever(message, 'ingest message');
        }
      }

      runMessageLoop(socket, {
        schema: ingestMessageSchema,
        knownTypes: ingestMessageTypes,
        maxFrameBytes: services.config.maxFrameBytes,
        handle,
        laneOf: (message) => ('conversationId' in message ? message.conversationId : ''),
        // A connector matches an error to the item it sent by these.
        contextOf: (message) => ({
          ...('conversationId' in message ? { conversationId: message.conversationId } : {}),
          ...('seq' in message ? { seq: message.seq } : {}),
        }),
        log: (details, text) => request.log.error(details, text),
      });
    },
  );
}
