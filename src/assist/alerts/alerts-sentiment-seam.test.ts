import { describe, expect, it } from 'vitest';
import type { AnalyzerContext } from '../../pipeline/analyzer.js';
import { createSentimentModel } from '../../understanding/sentiment/index.js';
import { createSentimentAnalyzer } from '../../understanding/sentiment/sentiment-analyzer.js';
import { runAnalyzer, type Turn } from '../testing/transcript-fixture.js';
import { createAlertsAnalyzer } from './alerts-analyzer.js';

/**
 * The seam between the sentiment and alerts analyzers, with the real producer: the escalation
 * alert must see the mood trend the sentiment analyzer writes (`customerTrend`), not only its own
 * three-turn window. The turns below slide down with a bump, which the window rule alone misses.
 */
const turns: Turn[] = [
  { customer: 'Thanks, the new plan has been great so far.' },
  { customer: 'But this bill is awful and I am really angry about it.' },
  { customer: 'Okay, that is a little better, I suppose.' },
  { customer: 'No, this is terrible. Worst service ever, I am furious and fed up.' },
];

describe('alerts read the sentiment trend the sentiment analyzer writes', () => {
  it('raises the escalation alert on a slide the three-turn window alone misses', async () => {
    const sentiment = createSentimentAnalyzer({ model: await createSentimentModel() });
    const produced = await runAnalyzer(sentiment, turns);
    const results = produced.map((run) => run.output?.result);
    const scores = results.map((result) => result?.score ?? 0);
    // Preconditions: the window is not monotone (the bump), the trend says worsening.
    expect(scores[2]!).toBeGreaterThan(scores[1]! + 0.05);
    expect(results[3]?.customerTrend?.direction).toBe('worsening');
    expect(scores[3]!).toBeLessThanOrEqual(-0.3);

    const bySeq = new Map(produced.map((run) => [run.item.seq, run.output?.result]));
    const alerts = await runAnalyzer(createAlertsAnalyzer(), turns, {
      previous: (item): AnalyzerContext<'sentiment' | 'intent'>['previous'] => {
        const result = bySeq.get(item.seq);
        return result ? { sentiment: result } : {};
      },
    });
    const raised = alerts.flatMap((run) =>
      (run.output?.events ?? []).flatMap((event) => (event.type === 'alert' ? [event] : [])),
    );
    expect(raised).toMatchObject([
      { seq: 4, alert: { kind: 'escalation', title: 'Customer is getting more upset' } },
    ]);
  });
});
