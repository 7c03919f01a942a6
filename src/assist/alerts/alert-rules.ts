import type { Alert } from '../../conversations/events.js';
import type { ConversationItem, ConversationRecord } from '../../conversations/types.js';
import { findPhrase, matchPhrase } from '../phrases.js';
import type { AlertConfig, DisclosureRule } from './alert-config.js';
import type { TrendDirection } from '../../understanding/sentiment/sentiment-analyzer.js';
import type { AssistLanguage } from '../messages/assist-language.js';
import { assistMessages } from '../messages/assist-messages.js';

/**
 * Alert rules over one new item. Each rule yields an alert with a stable key; the caller keeps
 * the keys already raised, so an alert is never repeated in a conversation.
 */
export interface AlertMemory {
  raised: string[];
  /** Recent customer sentiment scores, oldest first. */
  customerSentiment: Array<{ seq: number; score: number }>;
}

export const emptyAlertMemory: AlertMemory = { raised: [], customerSentiment: [] };

export interface AlertInputs {
  conversation: ConversationRecord;
  item: ConversationItem;
  transcript: readonly ConversationItem[];
  /** This turn's score and the customer's mood trend as the sentiment analyzer sees it. */
  sentiment?: { score: number; trend?: TrendDirection | undefined } | undefined;
  /** This turn's intent, with its Chinese label when the taxonomy gives one. */
  intent?: { intent: string; confidence: number; labelZh?: string | undefined } | undefined;
  /** The language the agent reads the alert in (see assistLanguage). */
  language: AssistLanguage;
}

export interface KeyedAlert {
  key: string;
  alert: Omit<Alert, 'alertId'>;
}

export function disclosureApplies(rule: DisclosureRule, conversation: ConversationRecord): boolean {
  return !rule.channels || rule.channels.includes(conversation.channel);
}

export function disclosureSaid(
  rule: DisclosureRule,
  transcript: readonly ConversationItem[],
): boolean {
  return transcript.some(
    (entry) =>
      entry.kind === 'utterance' &&
      entry.speaker !== 'customer' &&
      findPhrase(entry.text, rule.phrases) !== undefined,
  );
}

export function missingDisclosureAlert(
  rule: DisclosureRule,
  evidence: number[],
  when: 'closing' | 'end',
  language: AssistLanguage,
): KeyedAlert {
  const text = assistMessages(language).alerts.disclosure;
  // A tenant's own rule may have no title in this language: its one title is better than none.
  const title = rule.titles?.[language] ?? rule.title;
  return {
    key: `compliance:disclosure:${rule.id}`,
    alert: {
      kind: 'compliance',
      severity: 'warning',
      title: text.title(title),
      reason: text.reason(title, when),
      evidence,
    },
  };
}

export function evaluateAlertRules(
  inputs: AlertInputs,
  config: AlertConfig,
  memory: AlertMemory,
): { alerts: KeyedAlert[]; memory: AlertMemory } {
  const { item, transcript } = inputs;
  const text = assistMessages(inputs.language).alerts;
  const alerts: KeyedAlert[] = [];
  let customerSentiment = memory.customerSentiment;

  if (item.kind === 'utterance' && item.speaker === 'customer') {
    const supervisor = matchPhrase(item.text, config.supervisorPhrases)?.matched;
    if (supervisor) {
      alerts.push({
        key: 'escalation:supervisor',
        alert: {
          kind: 'escalation',
          severity: 'warning',
          title: text.supervisor.title,
          reason: text.supervisor.reason(supervisor),
          evidence: [item.seq],
        },
      });
    }
    const legal = matchPhrase(item.text, config.legalPhrases)?.matched;
    if (legal) {
      alerts.push({
        key: 'escalation:legal',
        alert: {
          kind: 'escalation',
          severity: 'critical',
          title: text.legal.title,
          reason: text.legal.reason(legal),
          evidence: [item.seq],
        },
      });
    }

    if (inputs.sentiment) {
      customerSentiment = [
        ...customerSentiment,
        { seq: item.seq, score: inputs.sentiment.score },
      ].slice(-config.sentiment.window);
      const window = customerSentiment;
      const last = window.at(-1)!;
      const worsening =
        window.length >= config.sentiment.window &&
        window.every((entry, i) => i === 0 || entry.score <= window[i - 1]!.score + 0.05) &&
        window[0]!.score - last.score >= 0.2;
      // The analyzer's trend smooths over more turns than this window, so a slow slide counts
      // too; but two turns are no trend: a factual answer after a complaint is not escalation.
      const trendSaysWorse =
        inputs.sentiment.trend === 'worsening' && window.length >= config.sentiment.window;
      if (last.score <= config.sentiment.negativeAt && (worsening || trendSaysWorse)) {
        alerts.push({
          key: 'escalation:sentiment',
          alert: {
            kind: 'escalation',
            severity: 'warning',
            title: text.upset.title,
            reason: worsening
              ? text.upset.fell(
                  window.length,
                  window.map((entry) => entry.score.toFixed(2)).join(' → '),
                )
              : text.upset.worsening(last.score.toFixed(2)),
            evidence: window.map((entry) => entry.seq),
          },
        });
      }
    }

    // Quoted to the agent as the customer said it, not as the (maybe pattern) phrase.
    const cancel = matchPhrase(item.text, config.cancelPhrases)?.matched;
    const cancelIntent =
      inputs.intent &&
      config.cancelIntents.includes(inputs.intent.intent) &&
      inputs.intent.confidence >= 0.5
        ? inputs.intent
        : undefined;
    if (cancel || cancelIntent) {
      alerts.push({
        key: 'churn:cancel',
        alert: {
          kind: 'churn',
          severity: 'warning',
          title: text.leaving.title,
          reason: cancel ? text.leaving.said(cancel) : text.leaving.intent(cancelIntent!),
          evidence: [item.seq],
        },
      });
    }
    const competitor = findPhrase(item.text, config.competitors);
    if (competitor) {
      alerts.push({
        key: `churn:competitor:${competitor.toLowerCase()}`,
        alert: {
          kind: 'churn',
          severity: 'warning',
          title: text.competitor.title,
          reason: text.competitor.reason(competitor),
          evidence: [item.seq],
        },
      });
    }
  }

  if (item.kind === 'action' && config.accountChangingActions.includes(item.action)) {
    const verified = transcript.some(
      (entry) =>
        entry.kind === 'action' &&
        entry.seq < item.seq &&
        config.verificationActions.includes(entry.action),
    );
    if (!verified) {
      alerts.push({
        key: `compliance:unverified:${item.action}`,
        alert: {
          kind: 'compliance',
          severity: 'critical',
          title: text.unverified.title,
          reason: text.unverified.reason(item.action, config.verificationActions.join(', ')),
          evidence: [item.seq],
        },
      });
    }
  }

  if (item.kind === 'utterance' && item.speaker === 'agent') {
    // Quoted as the agent said it, so they see which words to avoid.
    const promise = matchPhrase(item.text, config.promisePhrases)?.matched;
    if (promise) {
      alerts.push({
        key: 'compliance:promise',
        alert: {
          kind: 'compliance',
          severity: 'warning',
          title: text.promise.title,
          reason: text.promise.reason(promise),
          evidence: [item.seq],
        },
      });
    }
    if (findPhrase(item.text, config.closingPhrases)) {
      for (const rule of config.disclosures) {
        if (disclosureApplies(rule, inputs.conversation) && !disclosureSaid(rule, transcript)) {
          alerts.push(missingDisclosureAlert(rule, [item.seq], 'closing', inputs.language));
        }
      }
    }
  }

  const raised = new Set(memory.raised);
  const fresh: KeyedAlert[] = [];
  for (const entry of alerts) {
    if (raised.has(entry.key)) continue;
    raised.add(entry.key);
    fresh.push(entry);
  }
  return { alerts: fresh, memory: { raised: [...raised], customerSentiment } };
}
