import { alertConfigFor, type AlertConfig } from './alert-config.js';
import {
  disclosureApplies,
  disclosureSaid,
  emptyAlertMemory,
  evaluateAlertRules,
  missingDisclosureAlert,
  type AlertInputs,
  type AlertMemory,
  type KeyedAlert,
} from './alert-rules.js';
import { findPhrase } from '../phrases.js';
import { assistLanguage } from '../messages/assist-language.js';
import type { EventBody } from '../../conversations/events.js';
import { turnIntent, type IntentReading } from '../../understanding/intent/intent-result.js';
import { defineAnalyzer, defineFinalizer, type AnalyzerContext } from '../../pipeline/analyzer.js';

/**
 * Escalation, churn and compliance alerts, each with its reason and evidence (sequence
 * numbers), raised once per conversation. Reads `previous.sentiment` and `previous.intent`
 * when those analyzers ran before this one.
 */
export interface AlertsOptions {
  /** Per-tenant configuration (competitor names, disclosures...); defaults when absent. */
  configFor?: (tenantId: string) => AlertConfig | Promise<AlertConfig>;
}

function readMemory(state: unknown): AlertMemory {
  if (typeof state === 'object' && state !== null && Array.isArray((state as AlertMemory).raised)) {
    const memory = state as AlertMemory;
    return {
      raised: memory.raised,
      customerSentiment: Array.isArray(memory.customerSentiment) ? memory.customerSentiment : [],
    };
  }
  return emptyAlertMemory;
}

/** The live result of the alerts analyzer: the keys of the alerts this item raised. */
export interface AlertsResult {
  raised: string[];
}

/** The disclosures finalizer: mandatory disclosures never said in the conversation. */
export interface DisclosuresResult {
  missing: string[];
}

type AlertReads = 'sentiment' | 'intent';

/** The customer's score for this turn and their mood trend (the analyzer's EWMA slope). */
function readSentiment(
  previous: AnalyzerContext<AlertReads>['previous'],
): AlertInputs['sentiment'] {
  const result = previous.sentiment;
  if (!result) return undefined;
  return { score: result.score, trend: result.customerTrend?.direction };
}

/** The turn's intent: an alert reacts to what the customer says now (e.g. a cancel threat). */
function readIntent(previous: AnalyzerContext<AlertReads>['previous']): IntentReading | undefined {
  const reading = turnIntent(previous.intent);
  // An intent without a confidence is taken as sure, as rules written by a tenant expect.
  return reading && typeof previous.intent?.confidence !== 'number'
    ? { ...reading, confidence: 1 }
    : reading;
}

function toEvent(conversationId: string, entry: KeyedAlert, seq: number | null): EventBody {
  // Stable id: the same alert of the same conversation always has the same id.
  return {
    type: 'alert',
    seq,
    alert: { alertId: `${conversationId}:${entry.key}`, ...entry.alert },
  };
}

export function createAlertsAnalyzer(options: AlertsOptions = {}) {
  return defineAnalyzer({
    name: 'alerts',
    languages: ['en', 'zh'], // default alert phrases (actions carry no language)
    reads: ['sentiment', 'intent'],
    accepts: ['utterance', 'action'],
    async analyze(context) {
      const config = options.configFor
        ? await options.configFor(context.tenantId)
        : alertConfigFor();
      const { alerts, memory } = evaluateAlertRules(
        {
          conversation: context.conversation,
          item: context.item,
          transcript: context.transcript,
          sentiment: readSentiment(context.previous),
          intent: readIntent(context.previous),
          language: assistLanguage(context.transcript, context.conversation.language),
        },
        config,
        readMemory(context.state),
      );
      return {
        result: { raised: alerts.map((entry) => entry.key) },
        events: alerts.map((entry) => toEvent(context.conversation.id, entry, context.item.seq)),
        state: memory,
      };
    },
  });
}

/**
 * At the end of a conversation: mandatory disclosures never said. When the agent's closing
 * words were seen, the live analyzer has already flagged it, so it is not raised again.
 */
export function createDisclosureFinalizer(options: AlertsOptions = {}) {
  return defineFinalizer({
    name: 'disclosures',
    languages: ['en', 'zh'], // default disclosure phrases
    reads: [],
    readsLive: [],
    async finalize(context) {
      const config = options.configFor
        ? await options.configFor(context.tenantId)
        : alertConfigFor();
      const closingSeen = context.transcript.some(
        (item) =>
          item.kind === 'utterance' &&
          item.speaker === 'agent' &&
          findPhrase(item.text, config.closingPhrases) !== undefined,
      );
      const missing = config.disclosures.filter(
        (rule) =>
          disclosureApplies(rule, context.conversation) &&
          !disclosureSaid(rule, context.transcript),
      );
      const lastSeq = context.transcript.at(-1)?.seq;
      const language = assistLanguage(context.transcript, context.conversation.language);
      const events = closingSeen
        ? []
        : missing.map((rule) =>
            toEvent(
              context.conversation.id,
              missingDisclosureAlert(rule, lastSeq ? [lastSeq] : [], 'end', language),
              lastSeq ?? null,
            ),
          );
      return { result: { missing: missing.map((rule) => rule.id) }, events };
    },
  });
}
