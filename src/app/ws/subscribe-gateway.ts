import type { KeyWatch } from './key-watch.js';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import type { EventFilter } from '../../conversations/event-log.js';
import { assertNever } from '../../conversations/events.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { can, canReadConversation, type Principal } from '../../tenancy/roles.js';
import {
  subscribeMessageSchema,
  subscribeMessageTypes,
  type SubscribeMessage,
} from './protocol.js';
import { runMessageLoop } from './message-loop.js';
import { send } from './socket-errors.js';

type SubscribeRequest = Extract<SubscribeMessage, { type: 'subscribe' }>;

/**
 * `/ws/subscribe`: consoles follow one conversation, all of an agent's, or (supervisors) the
 * whole tenant. A subscriber that reconnects with the last event id it saw gets exactly what it
 * missed, then the live stream.
 */
/** Close code of a subscriber whose unread events passed its send buffer. */
export const SUBSCRIBER_TOO_SLOW_CLOSE_CODE = 4429;

export function registerSubscribeGateway(
  app: FastifyInstance,
  services: Services,
  keys: Pick<KeyWatch, 'watch'>,
): void {
  async function filterFor(principal: Principal, message: SubscribeRequest): Promise<EventFilter> {
    switch (message.scope) {
      case 'conversation': {
        if (!message.conversationId) {
          throw new CuecardError(
            'validation_failed',
            'conversationId is required for scope "conversation".',
            {
              field: 'conversationId',
            },
          );
        }
        const conversation =
          (await services.conversations.getConversation(
            principal.tenantId,
            message.conversationId,
          )) ??
          (await services.conversations.findByExternalId(
            principal.tenantId,
            message.conversationId,
          ));
        // Unknown and forbidden look the same to an agent: no probing of other agents' ids.
        if (!conversation || !canReadConversation(principal, conversation.agentId)) {
          throw new CuecardError(
            'not_found',
            `No conversation "${message.conversationId}" visible to this key.`,
            {
              field: 'conversationId',
            },
          );
        }
        return { tenantId: principal.tenantId, conversationId: conversation.id };
      }
      case 'agent': {
        const agentId = message.agentId ?? principal.agentId;
        if (!agentId) {
          throw new CuecardError('validation_failed', 'agentId is required for scope "agent".', {
            field: 'agentId',
          });
        }
        if (!(agentId === principal.agentId || can(principal, 'read:tenant-conversations'))) {
          throw new CuecardError(
            'forbidden',
            'An agent key may follow only its own conversations.',
            { field: 'agentId' },
          );
        }
        return { tenantId: principal.tenantId, agentId };
      }
      case 'tenant':
        if (!can(principal, 'read:tenant-conversations')) {
          throw new CuecardError(
            'forbidden',
            'Only supervisor, QA, knowledge manager or admin keys may follow the whole tenant.',
            {
              field: 'scope',
            },
          );
        }
        return { tenantId: principal.tenantId };
      default:
        return assertNever(message.scope, 'subscription scope');
    }
  }

  app.get(
    '/ws/subscribe',
    {
      websocket: true,
      // Checked before the upgrade, so a wrong key fails the handshake with 401/403.
      preValidation: async (request) => {
        const principal = request.principal;
        if (
          principal &&
          !(can(principal, 'read:own-conversations') || can(principal, 'read:tenant-conversations'))
        ) {
          throw new CuecardError(
            'forbidden',
            `A ${principal.role} key may not subscribe to conversations.`,
          );
        }
      },
    },
    (socket, request) => {
      const principal = request.principal!;
      // Closed (4401) when the key is revoked, wherever that happens.
      keys.watch(principal.keyId, socket);
      const subscriptions = new Map<string, () => void>();
      // A subscriber that stops reading must not hold the server's memory: past its send buffer
      // it is closed (4429) and resumes from its cursor when it reconnects, losing nothing.
      const closeTooSlow = () => {
        for (const unsubscribe of subscriptions.values()) unsubscribe();
        subscriptions.clear();
        socket.close(
          SUBSCRIBER_TOO_SLOW_CLOSE_CODE,
          'Too slow: reconnect and resume from your cursor',
        );
      };

      async function handle(message: SubscribeMessage): Promise<void> {
        switch (message.type) {
          case 'subscribe': {
            const filter = await filterFor(principal, message);
            const subscriptionId = `s_${randomUUID().slice(0, 8)}`;
            // Events delivered before the `subscribed` reply would confuse clients: hold them.
            const early: Record<string, unknown>[] = [];
            let ready = false;
            const { unsubscribe, replayed, truncated } = await services.eventLog.subscribe(
              filter,
              message.cursor ?? null,
              (event) => {
                const frame = { type: 'event', subscriptionId, event };
                if (!ready) early.push(frame);
                else if (socket.bufferedAmount > services.config.subscriberBufferBytes)
                  closeTooSlow();
                else send(socket, frame);
              },
            );
            subscriptions.set(subscriptionId, unsubscribe);
            send(socket, {
              type: 'subscribed',
              subscriptionId,
              scope: message.scope,
              filter,
              replayed,
              truncated,
            });
            for (const frame of early) send(socket, frame);
            ready = true;
            return;
          }
          case 'unsubscribe': {
            const unsubscribe = subscriptions.get(message.subscriptionId);
            if (!unsubscribe) {
              throw new CuecardError(
                'not_found',
                `No subscription "${message.subscriptionId}" on this socket.`,
                {
                  field: 'subscriptionId',
                },
              );
            }
            unsubscribe();
            subscriptions.delete(message.subscriptionId);
            send(socket, { type: 'unsubscribed', subscriptionId: message.subscriptionId });
            return;
          }
          case 'ping':
            send(socket, { type: 'pong' });
            return;
          default:
            assertNever(message, 'subscribe message');
        }
      }

      runMessageLoop(socket, {
        schema: subscribeMessageSchema,
        knownTypes: subscribeMessageTypes,
        maxFrameBytes: services.config.maxFrameBytes,
        handle,
        log: (details, text) => request.log.error(details, text),
      });
      socket.on('close', () => {
        for (const unsubscribe of subscriptions.values()) unsubscribe();
        subscriptions.clear();
      });
    },
  );
}
