import type { Config } from '../config/config.js';
import type { Database } from '../stores/database.js';
import type { ConfigChanges } from '../stores/config-changes.js';
import type { AnyAnalyzer, AnyFinalizer } from '../pipeline/analyzer.js';
import type { Redact } from '../conversations/ingest-service.js';
import {
  createTenantSettingsCache,
  type TenantSettingsLookup,
} from '../tenancy/tenant-settings.js';
import type { PiiMode } from '../understanding/pii/redact.js';
import { createPiiRedactor, type PiiRedactor } from '../understanding/pii/pii-redactor.js';
import {
  createOpenRedactor,
  openRedactionPolicyOf,
  type OpenRedactor,
} from '../conversations/open-redaction.js';
import { createLanguageDetector } from '../understanding/language/index.js';
import { createSentimentModel } from '../understanding/sentiment/index.js';
import { createLanguageAnalyzer } from '../understanding/language/language-analyzer.js';
import { createSentimentAnalyzer } from '../understanding/sentiment/sentiment-analyzer.js';
import path from 'node:path';
import type { ChatModel } from '../providers/spec/chat-model.js';
import { loadPlaybooks } from '../assist/playbooks/playbook.js';
import { createPlaybookStore, type PlaybookStore } from '../assist/playbooks/playbook-store.js';
import { createChurnService, type ChurnService } from '../wrap-up/churn/churn-service.js';
import { alertConfigFor, type AlertConfig } from '../assist/alerts/alert-config.js';
import { createLlmUsageStore } from '../assist/replies/llm-usage-store.js';
import { createOpenAiChatModel } from '../providers/openai/openai-chat-model.js';
import { createPlaybookAnalyzer } from '../assist/playbooks/playbook-analyzer.js';
import { loadStepMarks } from '../assist/playbooks/step-marks.js';
import { createRepliesAnalyzer } from '../assist/replies/replies-analyzer.js';
import { createAnswersAnalyzer } from '../knowledge/answers/answers-analyzer.js';
import {
  createAlertsAnalyzer,
  createDisclosureFinalizer,
} from '../assist/alerts/alerts-analyzer.js';
import { createEmbeddingModel } from '../providers/create-embedding-model.js';
import { createTextClassifier } from '../providers/create-text-classifier.js';
import {
  chatSentiment,
  classifierSentiment,
} from '../understanding/sentiment/external-sentiment.js';
import { createIntentStore } from '../understanding/intent/intent-store.js';
import {
  createIntentClassifierCache,
  type IntentClassifierCache,
} from '../understanding/intent/intent-classifier-cache.js';
import { loadTaxonomyFile } from '../understanding/intent/taxonomy.js';
import { shippedIntentModelDir } from '../understanding/intent/shipped-intent-model.js';
import { createIntentAnalyzer } from '../understanding/intent/intent-analyzer.js';
import { createArticleCardsAnalyzer } from '../knowledge/article-cards/article-cards-analyzer.js';
import { createResolutionRankers } from '../knowledge/learned-ranking/resolution-rankers.js';
import { createJiebaWordSplitter } from '../providers/jieba/jieba-word-splitter.js';
import type { KnowledgeDeps } from '../knowledge/ingest.js';
import { articleTexts } from '../knowledge/article-admin.js';
import {
  createCaseIndexFinalizer,
  createSimilarCasesAnalyzer,
} from '../knowledge/similar-cases/similar-cases-analyzer.js';
import { createCustomerHealthAnalyzer } from '../assist/customer-health/customer-health-analyzer.js';
import { loadDispositionCodeSet } from '../wrap-up/disposition/code-set.js';
import {
  createDispositionService,
  type DispositionService,
} from '../wrap-up/disposition/disposition-service.js';
import { loadScorecard } from '../wrap-up/qa/scorecard.js';
import { createSummaryFinalizer } from '../wrap-up/summary/summary-finalizer.js';
import { createDispositionFinalizer } from '../wrap-up/disposition/disposition-finalizer.js';
import { createQaFinalizer } from '../wrap-up/qa/qa-finalizer.js';
import { chosenDispositionOf } from '../wrap-up/disposition/disposition-store.js';
import { reconcileConfirmedDisposition } from '../wrap-up/disposition/confirm-disposition.js';
import { createChurnFinalizer } from '../wrap-up/churn/churn-finalizer.js';
import { createFollowUpsFinalizer } from '../wrap-up/followups/follow-ups-finalizer.js';
import { createRepeatContactFinalizer } from '../wrap-up/repeat-contact/repeat-contact-finalizer.js';
import { saveQaResult } from '../wrap-up/qa/qa-store.js';
import { createScorecardService, type ScorecardService } from '../wrap-up/qa/scorecard-service.js';

export interface Capabilities {
  analyzers: AnyAnalyzer[];
  finalizers: AnyFinalizer[];
  redact: Redact;
  redactOpen: OpenRedactor;
  dispositions: DispositionService;
  intents: IntentClassifierCache;
  knowledge: KnowledgeDeps;
  playbooks: PlaybookStore;
  churn: ChurnService;
  scorecards: ScorecardService;
  /** The configured LLM, if any (on-demand summaries use it too). */
  chatModel: ChatModel | undefined;
  /** Stops worker threads. */
  close(): Promise<void>;
}

/** The redactor the configuration asks for: long texts off the event loop, with a deadline. */
export function createConfiguredPiiRedactor(config: Config): PiiRedactor {
  return createPiiRedactor({
    offLoopFromChars: config.piiOffLoopFromChars,
    deadlineMs: config.piiDeadlineMs,
  });
}

/**
 * Redaction per tenant: its own PII mode (or the configured default) and its own hash salt, so
 * hash tokens cannot be joined across tenants. `redactor` does the work (see `createPiiRedactor`);
 * whoever creates it closes it.
 */
export function createTenantRedactor(
  config: Config,
  settingsOf: (tenantId: string) => ReturnType<TenantSettingsLookup>,
  redactor: PiiRedactor,
): Redact {
  return async (tenantId, text, continuation) => {
    const settings = await settingsOf(tenantId);
    const mode: PiiMode = settings.piiMode ?? config.piiMode;
    const salt = typeof settings.hashSalt === 'string' ? settings.hashSalt : tenantId;
    if (mode === 'off') return text;
    const result = await redactor.redact(text, {
      mode,
      hashSalt: salt,
      previous: continuation?.previous,
    });
    if (continuation) continuation.next = result.tail;
    return result.text;
  };
}

/**
 * Redaction of `open` fields per tenant (settings `redactOpenFields`, `redactCustomerIds`).
 * Pseudonyms are keyed by the server secret and the tenant's salt, so they differ per tenant and
 * cannot be recomputed from the database alone when the secret is set.
 */
export function createTenantOpenRedactor(
  config: Config,
  settingsOf: (tenantId: string) => ReturnType<TenantSettingsLookup>,
  redact: Redact,
): OpenRedactor {
  return createOpenRedactor(async (tenantId) => {
    const settings = await settingsOf(tenantId);
    const salt = typeof settings.hashSalt === 'string' ? settings.hashSalt : tenantId;
    return {
      policy: openRedactionPolicyOf(settings),
      pseudonymKey: `${config.pseudonymSecret ?? ''}\u0000${salt}`,
      redactText: (text) => redact(tenantId, text),
    };
  });
}

/**
 * The default (offline) capabilities in pipeline order. Each capability lives in its own module;
 * this is the one place that chooses and orders them. Models load once per process.
 */
export async function createDefaultCapabilities(
  config: Config,
  db: Database,
  /** Changes made on other instances (or by SQL): the caches below drop what they changed. */
  changes?: ConfigChanges,
  /** Models already loading (`preloadModels`, started while the database opens). */
  preloaded?: Promise<PreloadedModels>,
): Promise<Capabilities> {
  const settingsOf = createTenantSettingsCache(db);
  const piiRedactor = createConfiguredPiiRedactor(config);
  const redact = createTenantRedactor(config, settingsOf, piiRedactor);
  const [models, playbooks] = await Promise.all([
    preloaded ?? preloadModels(config),
    loadPlaybooks(path.join(config.knowledgeDir, 'playbooks')),
  ]);
  const { detector, embeddings, sentimentClassifier, sentimentModel } = models;
  const chatModel = config.llm
    ? createOpenAiChatModel({
        baseUrl: config.llm.baseUrl,
        apiKey: config.llm.apiKey,
        model: config.llm.model,
        timeoutMs: config.llm.timeoutMs,
      })
    : undefined;
  // Competitor names, disclosures and phrases are per tenant (settings.alerts), on our defaults.
  const alertConfig = async (tenantId: string) =>
    alertConfigFor(((await settingsOf(tenantId)).alerts ?? {}) as Partial<AlertConfig>);
  // Per turn the LLM may be asked for intent and/or sentiment; the offline models answer
  // whenever it fails.
  const intentLlm = config.llm?.analyzers.has('intent') ? chatModel : undefined;
  const sentimentLlm = config.llm?.analyzers.has('sentiment') ? chatModel : undefined;
  // Within the analyzer's own time limit, leaving the offline model time to answer.
  const llmBudgetMs = Math.min(config.llm?.timeoutMs ?? 1500, config.analyzerTimeoutMs * 0.75);
  const intents = createIntentClassifierCache({
    store: createIntentStore(db),
    defaultTaxonomy: await loadTaxonomyFile(
      path.join(config.knowledgeDir, 'intents', 'default.yaml'),
    ),
    embeddingModel: embeddings,
    // Beside the data folder, not in it: PGlite owns that folder as its Postgres data directory.
    modelDir: path.join(path.dirname(path.resolve(config.dataDir)), 'trained'),
    shippedModelDir: shippedIntentModelDir(config.knowledgeDir),
  });
  await intents.warmUp();
  const playbookStore = createPlaybookStore(db, playbooks);
  const churn = createChurnService(db);
  const knowledge: KnowledgeDeps = {
    db,
    embedder: embeddings,
    splitter: createJiebaWordSplitter(),
    // Each tenant's ranker learns which articles resolved which conversations (decision 0015).
    resolutions: createResolutionRankers({ db }),
  };
  // Order matters: each analyzer sees the results of the ones before it. Light ones first, so
  // next steps, alerts and health never wait behind a knowledge search; replies come after the
  // cards they cite.
  const analyzers: AnyAnalyzer[] = [
    createLanguageAnalyzer({ detector }),
    createSentimentAnalyzer({
      model: sentimentModel,
      external: sentimentClassifier
        ? classifierSentiment(sentimentClassifier)
        : sentimentLlm && chatSentiment(sentimentLlm),
      externalBudgetMs: llmBudgetMs,
    }),
    createIntentAnalyzer({
      classifiers: intents,
      chatModel: intentLlm,
      llmBudgetMs,
    }),
    createPlaybookAnalyzer({
      playbooks: (tenantId) => playbookStore.playbooksFor(tenantId),
      stepMarks: (scope) => loadStepMarks(db, scope),
    }),
    createAlertsAnalyzer({ configFor: alertConfig }),
    createCustomerHealthAnalyzer(),
    {
      ...createArticleCardsAnalyzer(knowledge),
      // Embedded PGlite runs SQL in its own thread, one statement at a time, searches behind
      // interactive writes (docs/decisions/0004): two searches overlap embedding and SQL. A
      // server runs statements side by side, so more can run at once.
      maxConcurrent: db.engine === 'pglite' ? 2 : 4,
    },
    createRepliesAnalyzer({
      chatModel,
      llmTimeoutMs: config.llm?.timeoutMs,
      usage: createLlmUsageStore(db),
    }),
    createAnswersAnalyzer({
      ...knowledge,
      chatModel,
      llmTimeoutMs: config.llm?.timeoutMs,
      usage: createLlmUsageStore(db),
    }),
    createSimilarCasesAnalyzer({ db, embedder: embeddings, splitter: knowledge.splitter }),
  ];
  // Until a tenant trains its own, dispositions are suggested from the default code set's
  // descriptions and examples.
  const codeSet = await loadDispositionCodeSet(
    path.join(config.knowledgeDir, 'dispositions', 'default.yaml'),
  );
  const dispositions = createDispositionService(db, codeSet);
  const scorecard = await loadScorecard(
    path.join(config.knowledgeDir, 'scorecards', 'default.yaml'),
  );
  const scorecards = createScorecardService(db, scorecard);
  const finalizers: AnyFinalizer[] = [
    createSummaryFinalizer({ chatModel }),
    createDispositionFinalizer(dispositions),
    createFollowUpsFinalizer(db),
    createRepeatContactFinalizer(db, () => config.repeatWindowHours),
    createChurnFinalizer({ baseRisk: churn.baseRisk }),
    createQaFinalizer({
      scorecardFor: (tenantId) => scorecards.currentFor(tenantId),
      articleTexts: (tenantId, articleIds) => articleTexts(db, tenantId, articleIds),
      onScored: (tenantId, conversationId, result) =>
        saveQaResult(db, tenantId, conversationId, result),
      chosenDisposition: (tenantId, conversationId) =>
        chosenDispositionOf(db, tenantId, conversationId),
      reconcile: (tenantId, conversationId) =>
        reconcileConfirmedDisposition(db, tenantId, conversationId),
    }),
    createDisclosureFinalizer({ configFor: alertConfig }),
    createCaseIndexFinalizer({ db, embedder: embeddings, splitter: knowledge.splitter }),
  ];
  if (changes) {
    changes.on('settings', settingsOf.forget);
    changes.on('intents', intents.refresh);
    changes.on('playbooks', playbookStore.forget);
    changes.on('scorecards', scorecards.forget);
    changes.on('churn', churn.forget);
    changes.on('dispositions', dispositions.forget);
    changes.on('resolutions', (tenantId) => knowledge.resolutions?.refresh(tenantId));
  }
  return {
    analyzers,
    finalizers,
    redact,
    redactOpen: createTenantOpenRedactor(config, settingsOf, redact),
    dispositions,
    intents,
    knowledge,
    playbooks: playbookStore,
    chatModel,
    churn,
    scorecards,
    close: async () => {
      await piiRedactor.close();
      await models.close();
    },
  };
}

/** The models every start loads. None reads the database, so they load while it opens. */
export interface PreloadedModels {
  detector: Awaited<ReturnType<typeof createLanguageDetector>>;
  embeddings: Awaited<ReturnType<typeof createEmbeddingModel>>;
  sentimentClassifier: Awaited<ReturnType<typeof createTextClassifier>>;
  sentimentModel: Awaited<ReturnType<typeof createSentimentModel>>;
  /** Stops their worker threads. */
  close(): Promise<void>;
}

export async function preloadModels(config: Config): Promise<PreloadedModels> {
  // CUECARD_EMBEDDINGS picks the encoder (local by default); in worker threads, off the event
  // loop. Connected deployments may score sentiment with a transformers.js model.
  const [detector, embeddings, sentimentClassifier] = await Promise.allSettled([
    createLanguageDetector(),
    createEmbeddingModel(config),
    createTextClassifier(config),
  ]);
  const close = async () => {
    if (embeddings.status === 'fulfilled') await embeddings.value.close();
    if (sentimentClassifier.status === 'fulfilled') await sentimentClassifier.value?.close();
  };
  try {
    if (detector.status === 'rejected') throw detector.reason;
    if (embeddings.status === 'rejected') throw embeddings.reason;
    if (sentimentClassifier.status === 'rejected') throw sentimentClassifier.reason;
    // Sentiment reads the same encoder (same worker pool, same cache as intent) for the
    // languages it covers; the rest stays on the word lists.
    const sentimentModel = await createSentimentModel({ embeddingModel: embeddings.value });
    return {
      detector: detector.value,
      embeddings: embeddings.value,
      sentimentClassifier: sentimentClassifier.value,
      sentimentModel,
      close,
    };
  } catch (error) {
    // Worker threads would otherwise keep a failed start's process alive.
    await close().catch(() => undefined);
    throw error;
  }
}
