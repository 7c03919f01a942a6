import type { Config } from '../config/config.js';
import type { Database } from '../stores/database.js';
import { createConversationStore } from '../conversations/conversation-store.js';
import { createEventLog } from '../conversations/event-log.js';
import { createIngestService, type Redact } from '../conversations/ingest-service.js';
import { createPipeline, type PipelineLogger } from '../pipeline/pipeline.js';
import { createAnalyzerStateStore } from '../pipeline/analyzer-state-store.js';
import { createWrapupStore } from '../wrap-up/wrapup-store.js';
import type { RunnableAnalyzer, RunnableFinalizer } from '../pipeline/analyzer.js';
import { createTenantStore } from '../tenancy/tenant-store.js';
import type { DispositionService } from '../wrap-up/disposition/disposition-service.js';
import type { IntentClassifierCache } from '../understanding/intent/intent-classifier-cache.js';
import type { KnowledgeDeps } from '../knowledge/ingest.js';
import type { PlaybookStore } from '../assist/playbooks/playbook-store.js';
import type { ChatModel } from '../providers/spec/chat-model.js';
import type { ChurnService } from '../wrap-up/churn/churn-service.js';
import type { ScorecardService } from '../wrap-up/qa/scorecard-service.js';

export interface ServiceOptions {
  config: Config;
  db: Database;
  logger: PipelineLogger;
  analyzers?: readonly RunnableAnalyzer[];
  finalizers?: readonly RunnableFinalizer[];
  redact?: Redact;
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
  const pipeline = createPipeline({
    conversations,
    eventLog,
    analyzerStates: createAnalyzerStateStore(db),
    wrapups,
    analyzers: options.analyzers ?? [],
    finalizers: options.finalizers ?? [],
    timeoutMs: config.analyzerTimeoutMs,
    loadShedding: config.loadShedding,
    logger,
  });
  const ingest = createIngestService({
    conversations,
    eventLog,
    sink: pipeline,
    redact: options.redact ?? ((_tenantId, text) => text),
    logger,
  });
  return {
    config,
    db,
    tenants,
    conversations,
    eventLog,
    wrapups,
    pipeline,
    ingest,
    dispositions: options.dispositions,
    intents: options.intents,
    knowledge: options.knowledge,
    playbooks: options.playbooks,
    chatModel: options.chatModel,
    churn: options.churn,
    scorecards: options.scorecards,
    async close() {
      await pipeline.drain();
      eventLog.close();
      await options.close?.();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
