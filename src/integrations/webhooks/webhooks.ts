import type { Database } from '../../stores/database.js';
import type { ConversationStore } from '../../conversations/conversation-store.js';
import type { WrapupStore } from '../../wrap-up/wrapup-store.js';
import { createDeliveryStore } from './delivery-store.js';
import { createEndpointStore } from './endpoint-store.js';
import type { RetryPolicy } from './retry-schedule.js';
import { startWebhookDispatcher } from './webhook-dispatcher.js';

export interface WebhookSettings {
  allowPrivate: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  retry: RetryPolicy;
  pollMs: number;
}

/** Endpoints, their deliveries, and this instance's dispatcher, wired once. */
export function createWebhooks(options: {
  db: Database;
  conversations: Pick<ConversationStore, 'getConversation'>;
  wrapups: Pick<WrapupStore, 'resultsOf'>;
  owner: string;
  settings: WebhookSettings;
  logger: { warn(details: Record<string, unknown>, message: string): void };
  onAttempt?: (outcome: 'delivered' | 'failed' | 'dead') => void;
}) {
  const { db, settings } = options;
  const endpoints = createEndpointStore(db);
  const deliveries = createDeliveryStore(db);
  const dispatcher = startWebhookDispatcher(
    {
      db,
      activeEndpoints: () => endpoints.active(),
      endpoint: (id) => endpoints.byId(id),
      conversation: (tenantId, id) => options.conversations.getConversation(tenantId, id),
      wrapup: (tenantId, conversationId) => options.wrapups.resultsOf({ tenantId, conversationId }),
    },
    {
      owner: options.owner,
      outbound: {
        allowPrivate: settings.allowPrivate,
        timeoutMs: settings.timeoutMs,
        maxResponseBytes: settings.maxResponseBytes,
      },
      retry: settings.retry,
      pollMs: settings.pollMs,
      concurrency: 8,
      logger: options.logger,
      ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
    },
  );
  return { endpoints, deliveries, dispatcher, settings };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
