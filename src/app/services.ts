import type { Config } from '../config/config.js';
import type { Database } from '../stores/database.js';
import { createConversationStore } from '../conversations/conversation-store.js';
import { createEventLog } from '../conversations/event-log.js';
import { createIngestService, type Redact } from '../conversations/ingest-service.js';
import type { OpenRedactor } from '../conversations/open-redaction.js';
import { createPipeline, type PipelineLogger } from '../pipeline/pipeline.js';
import { startPipelineWork } from '../pipeline/pipeline-work.js';
import { createAnalyzerStateStore } from '../pipeline/analyzer-state-store.js';
import { createWrapupStore } from '../wrap-up/wrapup-store.js';
import { createWebhooks } from '../integrations/webhooks/webhooks.js';
import type { RunnableAnalyzer, RunnableFinalizer } from '../pipeline/analyzer.js';
import { createTenantStore } from '../tenancy/tenant-store.js';
import type { DispositionService } from '../wrap-up/disposition/disposition-service.js';
import type { IntentClassifierCache } from '../understanding/intent/intent-classifier-cache.js';
import type { KnowledgeDeps } from '../knowledge/ingest.js';
import type { PlaybookStore } from '../assist/playbooks/playbook-store.js';
import type { ChatModel } from '../providers/spec/chat-model.js';
import type { ChurnService } from '../wrap-up/churn/churn-service.js';
import type { ScorecardService } from '../wrap-up/qa/scorecard-service.js';
import { createPrivacy } from '../privacy/privacy.js';
import { createCuecardMetrics } from './metrics/cuecard-metrics.js';

export interface ServiceOptions {
  config: Config;
  db: Database;
  /** This instance's name: holder of its durable work's leases. */
  origin: string;
  logger: PipelineLogger;
  analyzers?: readonly RunnableAnalyzer[];
  finalizers?: readonly RunnableFinalizer[];
  redact?: Redact;
  /** Per-tenant redaction of `open` fields (customer id pseudonyms included). */
  redactOpen?: OpenRedactor;
  /** Learns wrap-up codes from agents' confirmations; absent when no code set is configured. */
  dispositions?: DispositionService;
  intents?: IntentClassifierCache;
  knowledge?: KnowledgeDeps;
  playbooks?: PlaybookStore;
  chatModel?: ChatModel | undefined;
  churn?: ChurnService;
  scorecards?: ScorecardService;
  /** Releases what the capabilities hold (worker threads). */
  close?: () => Promise<void>;
}

/**
 * The domain layer of the composition (`composeCuecard` is the only caller): stores, event log,
 * pipeline and ingest, wired once. The HTTP/WebSocket layer only calls these.
 */
export function createServices(options: ServiceOptions) {
  const { config, db, logger } = options;
  const tenants = createTenantStore(db);
  const conversations = createConversationStore(db);
  const eventLog = createEventLog(db, { logger });
  const wrapups = createWrapupStore(db);
  const metrics = createCuecardMetrics({
    db,
    subscriptions: () => eventLog.listenerCount(),
    eventsPublished: () => eventLog.tailStats().published,
  });
  const kernel = createPipeline({
    conversations,
    eventLog,
    analyzerStates: createAnalyzerStateStore(db),
    wrapups,
    analyzers: options.analyzers ?? [],
    finalizers: options.finalizers ?? [],
    timeoutMs: config.analyzerTimeoutMs,
    loadShedding: config.loadShedding,
    logger,
    observer: metrics.observer,
  });
  const work = startPipelineWork({
    db,
    pipeline: kernel,
    conversations,
    owner: options.origin,
    leaseMs: config.work.leaseMs,
    concurrency: config.work.concurrency,
    logger,
  });
  const webhooks = createWebhooks({
    db,
    conversations,
    wrapups,
    owner: options.origin,
    settings: config.webhooks,
    logger,
    onAttempt: metrics.onWebhookAttempt,
  });
  const redact: Redact = options.redact ?? ((_tenantId, text) => text);
  const ingest = createIngestService({
    conversations,
    eventLog,
    sink: work,
    redact,
    ...(options.redactOpen ? { redactOpen: options.redactOpen } : {}),
    logger,
  });
  const storedCustomerId = (tenantId: string, customerId: string) =>
    options.redactOpen?.storedCustomerId(tenantId, customerId) ?? Promise.resolve(customerId);
  const privacy = createPrivacy({
    db,
    storedCustomerId,
    retentionIntervalMs: config.retentionIntervalMs,
    logger,
  });
  return {
    config,
    db,
    tenants,
    conversations,
    eventLog,
    wrapups,
    /** Durable analysis and wrap-up; `drain()` waits until no work is pending (tests, demo). */
    pipeline: work,
    ingest,
    /** Endpoints, deliveries and the dispatcher that sends them (issue 20). */
    webhooks,
    /** Personal data out of a tenant's text (search queries before they are logged). */
    redactText: async (tenantId: string, text: string) => redact(tenantId, text),
    /** The customer id as stored (a pseudonym when the tenant asks for one): history lookups. */
    storedCustomerId,
    /** Prometheus series of this instance (GET /metrics). */
    metrics,
    /** Erasure, retention and their audit trail (issue 20). */
    privacy,
    dispositions: options.dispositions,
    intents: options.intents,
    knowledge: options.knowledge,
    playbooks: options.playbooks,
    chatModel: options.chatModel,
    churn: options.churn,
    scorecards: options.scorecards,
    /**
     * Stops taking work; what is still running after the grace period is handed back to the
     * queue (another instance or the next start finishes it), so a stop takes seconds.
     */
    async close() {
      await privacy.stop();
      await work.stop(config.work.stopGraceMs);
      await webhooks.dispatcher.stop();
      eventLog.close();
      await options.close?.();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
