import { intentAnalysis } from '../../understanding/intent/testing/intent-analysis.js';
import { describe, expect, it } from 'vitest';
import { alertConfigFor } from './alert-config.js';
import { runAnalyzer, testConversation, toItem, type Turn } from '../testing/transcript-fixture.js';
import type { Alert, EventBody } from '../../conversations/events.js';
import { createAlertsAnalyzer, createDisclosureFinalizer } from './alerts-analyzer.js';

function alertsOf(runs: Awaited<ReturnType<typeof runAnalyzer>>): Alert[] {
  return runs.flatMap((run) =>
    (run.output?.events ?? []).flatMap((event: EventBody) =>
      event.type === 'alert' ? [event.alert] : [],
    ),
  );
}

describe('alerts analyzer', () => {
  it('escalates on a supervisor request and on legal words, once each, with evidence', async () => {
    const runs = await runAnalyzer(createAlertsAnalyzer(), [
      { customer: 'This is the third time I call about this issue.' },
      { customer: 'I want to speak to your manager.' },
      { customer: 'Get me a manager now!' },
      { customer: 'Otherwise my lawyer will hear about it.' },
    ]);
    const alerts = alertsOf(runs);
    // "issue" must not trigger "sue".
    expect(alerts.map((alert) => [alert.kind, alert.severity, alert.evidence])).toEqual([
      ['escalation', 'warning', [2]],
      ['escalation', 'critical', [4]],
    ]);
    expect(alerts[1]!.reason).toMatch(/lawyer/);
  });

  it('understands Chinese complaint words', async () => {
    const alerts = alertsOf(
      await runAnalyzer(createAlertsAnalyzer(), [{ customer: '我要去消协投诉你们' }]),
    );
    expect(alerts).toMatchObject([{ kind: 'escalation', severity: 'critical' }]);
  });

  it('warns when customer sentiment keeps falling into negative', async () => {
    const scores = [0.2, -0.1, -0.5, -0.7];
    const turns: Turn[] = scores.flatMap((_, i) => [
      { customer: `turn ${i}` },
      { agent: 'I see.' },
    ]);
    const runs = await runAnalyzer(createAlertsAnalyzer(), turns, {
      previous: (item): Record<string, Record<string, unknown>> =>
        item.kind === 'utterance' && item.speaker === 'customer'
          ? { sentiment: { score: scores[(item.seq - 1) / 2]!, label: 'x' } }
          : {},
    });
    expect(alertsOf(runs)).toEqual([
      expect.objectContaining({
        kind: 'escalation',
        title: 'Customer is getting more upset',
        evidence: [1, 3, 5],
      }),
    ]);
    const steady = await runAnalyzer(createAlertsAnalyzer(), turns, {
      previous: (item): Record<string, Record<string, unknown>> =>
        item.kind === 'utterance' && item.speaker === 'customer'
          ? { sentiment: { score: -0.4 } }
          : {},
    });
    expect(alertsOf(steady)).toEqual([]);
  });

  it('flags churn: cancel words, cancel intent, and competitors from the tenant list only', async () => {
    const configFor = () => alertConfigFor({ competitors: ['Acme Mobile', 'Zeta'] });
    const alerts = alertsOf(
      await runAnalyzer(createAlertsAnalyzer({ configFor }), [
        { customer: 'Acme Mobile offered me a better price.' },
        { customer: 'Honestly I might just cancel my plan.' },
      ]),
    );
    expect(alerts.map((alert) => [alert.kind, alert.title, alert.evidence])).toEqual([
      ['churn', 'Competitor mentioned', [1]],
      ['churn', 'Customer wants to leave', [2]],
    ]);
    const noList = alertsOf(
      await runAnalyzer(createAlertsAnalyzer(), [
        { customer: 'Acme Mobile offered me a better price.' },
      ]),
    );
    expect(noList).toEqual([]);
    const byIntent = alertsOf(
      await runAnalyzer(createAlertsAnalyzer(), [{ customer: 'I would like to end things' }], {
        previous: () => ({ intent: intentAnalysis('cancel_subscription', 0.9) }),
      }),
    );
    expect(byIntent).toMatchObject([
      { kind: 'churn', reason: expect.stringContaining('"cancel subscription"') },
    ]);
  });

  it('raises a compliance alert when the account is changed before identity verification', async () => {
    const unverified = alertsOf(
      await runAnalyzer(createAlertsAnalyzer(), [
        { customer: 'new address please' },
        { action: 'update-account' },
      ]),
    );
    expect(unverified).toMatchObject([{ kind: 'compliance', severity: 'critical', evidence: [2] }]);
    const verified = alertsOf(
      await runAnalyzer(createAlertsAnalyzer(), [
        { action: 'verify-identity' },
        { action: 'update-account' },
      ]),
    );
    expect(verified).toEqual([]);
  });

  it('flags a missing mandatory disclosure when the agent closes, and the finalizer does not repeat it', async () => {
    const voice = { ...testConversation, channel: 'voice' as const };
    const turns: Turn[] = [
      { agent: 'Hello, how can I help?' },
      { customer: 'just a question' },
      { agent: 'Done! Have a great day.' },
    ];
    const analyzer = createAlertsAnalyzer();
    const transcript = turns.map((turn, i) => toItem(turn, i + 1));
    const events = [];
    let state: unknown;
    for (const item of transcript) {
      const output = await analyzer.analyze({
        tenantId: 't',
        conversation: voice,
        item,
        transcript: transcript.slice(0, item.seq),
        previous: {},
        state,
        signal: new AbortController().signal,
      });
      state = output?.state;
      events.push(...(output?.events ?? []));
    }
    expect(events).toMatchObject([
      {
        type: 'alert',
        seq: 3,
        alert: { kind: 'compliance', title: 'Call recording notice not given' },
      },
    ]);
    const finalizer = createDisclosureFinalizer();
    const end = await finalizer.finalize({
      tenantId: 't',
      conversation: voice,
      transcript,
      previous: {},
      analyses: {},
      signal: new AbortController().signal,
    });
    expect(end?.events).toEqual([]);
    expect(end?.result).toEqual({ missing: ['call-recording'] });

    const abrupt = transcript.slice(0, 2);
    const abruptEnd = await finalizer.finalize({
      tenantId: 't',
      conversation: voice,
      transcript: abrupt,
      previous: {},
      analyses: {},
      signal: new AbortController().signal,
    });
    expect(abruptEnd?.events).toMatchObject([
      { type: 'alert', alert: { reason: expect.stringContaining('by the end') } },
    ]);
    // Chat has no recording notice to give.
    const chat = await finalizer.finalize({
      tenantId: 't',
      conversation: testConversation,
      transcript: abrupt,
      previous: {},
      analyses: {},
      signal: new AbortController().signal,
    });
    expect(chat?.result).toEqual({ missing: [] });
  });

  it('flags an English agent who guarantees an outcome, not one who says what usually happens', async () => {
    const flagged = alertsOf(
      await runAnalyzer(createAlertsAnalyzer(), [
        { agent: 'I guarantee the refund will be back by Friday.' },
      ]),
    );
    expect(flagged.map((alert) => alert.title)).toEqual(['Agent promised an outcome or a date']);
    expect(flagged[0]!.reason).toContain('I guarantee');
    for (const careful of [
      "I can't guarantee a date, but refunds usually take 5 to 7 business days.",
      'We cannot promise that, I am sorry.',
    ]) {
      const alerts = alertsOf(await runAnalyzer(createAlertsAnalyzer(), [{ agent: careful }]));
      expect(alerts, careful).toEqual([]);
    }
  });
});
