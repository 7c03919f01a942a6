import { describe, expect, it } from 'vitest';
import type { ConversationItem, ConversationRecord } from '../../conversations/types.js';
import {
  createCustomerHealthAnalyzer,
  type CustomerHealthResult,
} from './customer-health-analyzer.js';

const conversation = {
  id: 'c1',
  tenantId: 't',
  metadata: {},
  customerAttributes: {},
} as unknown as ConversationRecord;
const turn = (seq: number, speaker: 'customer' | 'agent', text: string): ConversationItem => ({
  kind: 'utterance',
  conversationId: 'c1',
  seq,
  speaker,
  text,
  startMs: null,
  endMs: null,
  language: 'en',
  createdAt: '',
});

describe('customer health analyzer', () => {
  it('moves CSAT and churn risk turn by turn, with the reasons', async () => {
    const analyzer = createCustomerHealthAnalyzer();
    const turns = [
      turn(1, 'customer', 'Hi, I have a question about my bill.'),
      turn(2, 'agent', 'Sure, happy to help.'),
      turn(
        3,
        'customer',
        'This is ridiculous, you overcharged me again. I want to cancel my subscription.',
      ),
      turn(4, 'customer', 'Thank you, that fixed it, great service!'),
    ];
    let state: unknown;
    const results: CustomerHealthResult[] = [];
    for (let i = 0; i < turns.length; i++) {
      const output = await analyzer.analyze({
        tenantId: 't',
        conversation,
        item: turns[i]!,
        transcript: turns.slice(0, i + 1),
        previous: {},
        state,
        signal: new AbortController().signal,
      });
      if (!output) continue;
      state = output.state;
      results.push(output.result!);
    }
    expect(results).toHaveLength(3); // agent turns are skipped
    const [calm, angry, thankful] = results as Array<{
      csat: number;
      churnRisk: number;
      churnReasons: string[];
      churnRiskChange: number;
    }>;
    expect(angry!.csat).toBeLessThan(calm!.csat);
    expect(angry!.churnRisk).toBeGreaterThan(calm!.churnRisk);
    expect(angry!.churnRiskChange).toBeGreaterThan(0);
    expect(angry!.churnReasons.join(' ')).toMatch(/cancel/);
    expect(thankful!.csat).toBeGreaterThan(angry!.csat);
  });
});
