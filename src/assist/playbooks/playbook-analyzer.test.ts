import { join } from 'node:path';
import { intentAnalysis } from '../../understanding/intent/testing/intent-analysis.js';
import { describe, expect, it } from 'vitest';
import { loadPlaybooks } from './playbook.js';
import { runAnalyzer } from '../testing/transcript-fixture.js';
import type { Suggestion } from '../../conversations/events.js';
import { createPlaybookAnalyzer } from './playbook-analyzer.js';

const playbooks = await loadPlaybooks(join(import.meta.dirname, '../../../knowledge/playbooks'));

function nextSteps(
  runs: Awaited<ReturnType<typeof runAnalyzer>>,
): Array<{ seq: number; suggestion: Suggestion }> {
  return runs.flatMap((run) =>
    (run.output?.events ?? []).flatMap((event) =>
      event.type === 'suggestion' ? [{ seq: run.item.seq, suggestion: event.suggestion }] : [],
    ),
  );
}

describe('playbook analyzer', () => {
  it('suggests each next step once, as the agent works through a cancellation', async () => {
    const analyzer = createPlaybookAnalyzer({ playbooks });
    const runs = await runAnalyzer(analyzer, [
      { customer: 'Hello' },
      { customer: 'I want to cancel my subscription, it is too expensive' },
      { customer: 'sure, it is on file' },
      { action: 'verify-identity' },
      { customer: 'so can you do it?' },
      { agent: 'May I ask what made you decide to leave?' },
      { customer: 'the price' },
      { agent: 'I can offer you a 50% discount for three months.' },
    ]);
    expect(runs[0]!.output).toBeNull();
    const steps = nextSteps(runs);
    expect(
      steps.map((step) => [
        step.seq,
        step.suggestion.kind === 'next-step' && step.suggestion.stepId,
      ]),
    ).toEqual([
      [2, 'verify-identity'],
      [4, 'ask-reason'],
      [6, 'retention-offer'],
      [8, 'cancel'],
    ]);
    const last = steps.at(-1)!.suggestion;
    expect(last).toMatchObject({
      kind: 'next-step',
      playbookId: 'cancel-subscription',
      done: ['verify-identity', 'ask-reason', 'retention-offer'],
    });
    expect(runs.at(-1)!.output!.result).toMatchObject({
      nextStepId: 'cancel',
      remaining: ['cancel', 'confirm-close'],
    });
  });

  it('follows the agent forward and says when the playbook is complete', async () => {
    const analyzer = createPlaybookAnalyzer({ playbooks });
    const runs = await runAnalyzer(analyzer, [
      { customer: 'I was charged twice for my subscription' },
      { action: 'verify-identity' },
      { agent: 'Yes, I found it: $24.99 twice on November 3rd.' },
      { action: 'issue-refund' },
      { agent: 'Refunds arrive in 5 to 7 business days. Anything else I can help with?' },
    ]);
    expect(
      nextSteps(runs).map((step) => step.suggestion.kind === 'next-step' && step.suggestion.stepId),
    ).toEqual(['verify-identity', 'identify-charge', 'confirm-close']);
    expect(runs.at(-1)!.output!.result).toMatchObject({
      nextStepId: null,
      complete: true,
      passed: ['identify-charge'],
      steps: [
        { id: 'verify-identity', title: 'Verify the account holder', status: 'done' },
        { id: 'identify-charge', title: 'Identify the disputed charge', status: 'passed' },
        { id: 'explain-or-correct', status: 'done' },
        { id: 'confirm-close', status: 'done' },
      ],
    });
  });

  it('follows the intent analyzer when it is given', async () => {
    const analyzer = createPlaybookAnalyzer({ playbooks });
    const runs = await runAnalyzer(analyzer, [{ customer: 'I moved last month' }], {
      previous: () => ({ intent: intentAnalysis('billing_dispute', 0.9) }),
    });
    expect(runs[0]!.output!.result).toMatchObject({
      playbookId: 'billing-dispute',
      nextStepId: 'verify-identity',
    });
  });
});
