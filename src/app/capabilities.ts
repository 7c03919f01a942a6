import type { Config } from '../config/config.js';
import type { Database } from '../stores/database.js';
import type { Analyzer, Finalizer } from '../pipeline/analyzer.js';
import type { Redact } from '../conversations/ingest-service.js';
import { createTenantStore } from '../tenancy/tenant-store.js';
import { redactPii, type PiiMode } from '../understanding/pii/redact.js';
import { createLanguageDetector } from '../understanding/language/index.js';
import { createSentimentModel } from '../understanding/sentiment/index.js';
import { createLanguageAnalyzer } from '../pipeline/analyzers/language/index.js';
import { createSentimentAnalyzer } from '../pipeline/analyzers/sentiment/index.js';
import path from 'node:path';
import { loadDispositionCodeSet } from '../wrap-up/disposition/code-set.js';
import { DispositionClassifier } from '../wrap-up/disposition/disposition-classifier.js';
import { loadScorecard } from '../wrap-up/qa/scorecard.js';
import { createSummaryFinalizer } from '../pipeline/finalizers/summary-finalizer.js';
import { createDispositionFinalizer } from '../pipeline/finalizers/disposition-finalizer.js';
import { createQaFinalizer } from '../pipeline/finalizers/qa-finalizer.js';
import { createChurnFinalizer } from '../pipeline/finalizers/churn-finalizer.js';
import { saveQaResult, saveScorecard } from '../wrap-up/qa/qa-store.js';
import type { QaResult } from '../wrap-up/qa/auto-qa.js';

export interface Capabilities {
  analyzers: Analyzer[];
  finalizers: Finalizer[];
  redact: Redact;
}

const SETTINGS_TTL_MS = 30_000;

/**
 * Redaction per tenant: its own PII mode (or the configured default) and its own hash salt, so
 * hash tokens cannot be joined across tenants. Settings are cached briefly; the database is the truth.
 */
export function createTenantRedactor(config: Config, db: Database): Redact {
  const tenants = createTenantStore(db);
  const cache = new Map<string, { mode: PiiMode; salt: string; at: number }>();
  return async (tenantId, text) => {
    let entry = cache.get(tenantId);
    if (!entry || Date.now() - entry.at > SETTINGS_TTL_MS) {
      const tenant = await tenants.getTenant(tenantId);
      const settings = tenant?.settings ?? {};
      entry = {
        mode: settings.piiMode ?? config.piiMode,
        salt: typeof settings.hashSalt === 'string' ? settings.hashSalt : tenantId,
        at: Date.now(),
      };
      cache.set(tenantId, entry);
    }
    return entry.mode === 'off' ? text : redactPii(text, { mode: entry.mode, hashSalt: entry.salt }).text;
  };
}

/**
 * The default (offline) capabilities in pipeline order. Each capability lives in its own module;
 * this is the one place that chooses and orders them. Models load once per process.
 */
export async function createDefaultCapabilities(config: Config, db: Database): Promise<Capabilities> {
  const [detector, sentimentModel] = await Promise.all([createLanguageDetector(), createSentimentModel()]);
  const analyzers: Analyzer[] = [
    createLanguageAnalyzer({ detector }),
    createSentimentAnalyzer({ model: sentimentModel }),
  ];
  // Until a tenant trains its own, dispositions are suggested from the default code set's
  // descriptions and examples.
  const codeSet = await loadDispositionCodeSet(path.join(config.knowledgeDir, 'dispositions', 'default.yaml'));
  const dispositions = new DispositionClassifier(codeSet);
  dispositions.train();
  const scorecard = await loadScorecard(path.join(config.knowledgeDir, 'scorecards', 'default.yaml'));
  const qa = createQaFinalizer(scorecard);
  const savedScorecards = new Set<string>();
  const finalizers: Finalizer[] = [
    createSummaryFinalizer(),
    createDispositionFinalizer(dispositions),
    createChurnFinalizer(),
    {
      // QA scores go to their own table too, where reviewers' overrides refer to them.
      name: qa.name,
      async finalize(context) {
        const output = await qa.finalize(context);
        if (output?.result) {
          if (!savedScorecards.has(context.tenantId)) {
            await saveScorecard(db, context.tenantId, scorecard);
            savedScorecards.add(context.tenantId);
          }
          await saveQaResult(db, context.tenantId, context.conversation.id, output.result as unknown as QaResult);
        }
        return output;
      },
    },
  ];
  return { analyzers, finalizers, redact: createTenantRedactor(config, db) };
}
