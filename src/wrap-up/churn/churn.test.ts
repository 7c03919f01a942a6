import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../evaluation/tasks/churn.js';
import { mulberry32 } from '../../learning/random.js';
import { buildTranscript } from '../test-transcript.js';
import { mandarinBillingCall } from '../mandarin-test-calls.js';
import { combineChurnRisk, conversationSignals } from './conversation-risk.js';
import { TabularRiskModel, type CustomerRecord } from './tabular-model.js';

function synthetic(n: number, seed: number): { records: CustomerRecord[]; outcomes: boolean[] } {
  const random = mulberry32(seed);
  const records: CustomerRecord[] = [];
  const outcomes: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const monthly = random() < 0.5;
    const tenure = Math.floor(random() * 72);
    const logit = (monthly ? 1.5 : -1.5) - tenure / 24 + (random() - 0.5);
    records.push({
      id: `c${i}`,
      contract: monthly ? 'Month-to-month' : 'Two year',
      tenure: String(tenure),
      charges: random() < 0.05 ? ' ' : (20 + random() * 80).toFixed(2),
      noise: random() < 0.5 ? 'a' : 'b',
    });
    outcomes.push(random() < 1 / (1 + Math.exp(-logit)));
  }
  return { records, outcomes };
}

describe('TabularRiskModel', () => {
  it('learns churn from attributes, copes with blanks, and explains with the right attributes', () => {
    const train = synthetic(1500, 1);
    const test = synthetic(500, 2);
    const model = new TabularRiskModel({ exclude: ['id'] });
    model.fit(train.records, train.outcomes);
    const auc = rocAuc(
      test.records.map((r) => model.predict(r)),
      test.outcomes,
    );
    expect(auc).toBeGreaterThan(0.75);
    const risky: CustomerRecord = {
      id: 'x',
      contract: 'Month-to-month',
      tenure: '1',
      charges: '',
      noise: 'a',
    };
    const safe: CustomerRecord = {
      id: 'y',
      contract: 'Two year',
      tenure: '70',
      charges: '50',
      noise: 'a',
    };
    expect(model.predict(risky)).toBeGreaterThan(model.predict(safe));
    expect(
      model
        .explain(risky, 2)
        .map((r) => r.attribute)
        .sort(),
    ).toEqual(['contract', 'tenure']);
  });

  it('catches churn that depends on a combination of attributes, by choosing trees in cross-validation', () => {
    // Fibre customers without a contract leave; either attribute alone says little.
    const table = (n: number, seed: number) => {
      const random = mulberry32(seed);
      const records: CustomerRecord[] = [];
      const outcomes: boolean[] = [];
      for (let i = 0; i < n; i++) {
        const fibre = random() < 0.5;
        const contract = random() < 0.5;
        records.push({
          id: `c${i}`,
          internet: fibre ? 'Fibre' : 'DSL',
          contract: contract ? 'One year' : 'None',
          charges: (20 + random() * 80).toFixed(2),
        });
        outcomes.push(random() < (fibre && !contract ? 0.7 : fibre || !contract ? 0.25 : 0.35));
      }
      return { records, outcomes };
    };
    const train = table(1500, 3);
    const test = table(600, 4);
    const chosen = new TabularRiskModel({ exclude: ['id'] });
    chosen.fit(train.records, train.outcomes);
    const linearOnly = new TabularRiskModel({ exclude: ['id'], linearShare: 1 });
    linearOnly.fit(train.records, train.outcomes);
    const auc = (model: TabularRiskModel) =>
      rocAuc(
        test.records.map((r) => model.predict(r)),
        test.outcomes,
      );
    expect(chosen.selection?.linearShare).toBeLessThan(1);
    expect(auc(chosen)).toBeGreaterThan(auc(linearOnly) + 0.02);
  });

  it('computes ROC-AUC with ties', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
    expect(rocAuc([0.5, 0.5], [false, true])).toBe(0.5);
  });
});

describe('conversation churn signals', () => {
  it('hears a Mandarin customer threatening to leave for another provider, and not one who stays', () => {
    const leaving = conversationSignals(mandarinBillingCall);
    expect(leaving).toMatchObject({ cancelIntent: true, competitorMention: true });
    const threat = mandarinBillingCall.find(
      (item) => item.kind === 'utterance' && item.text.includes('换别家'),
    )!;
    expect(leaving.evidence.cancelIntent).toEqual([threat.seq]);
    const staying = conversationSignals(
      buildTranscript([
        ['customer', '我不想取消服务，也没打算换运营商，把多扣的钱退回来就行。'],
        ['customer', '帮我取消这个订单吧。'],
      ]),
    );
    expect(staying).toMatchObject({ cancelIntent: false, competitorMention: false });
  });

  it('raises risk for a customer who wants to cancel for a competitor, with reasons citing turns', () => {
    const calm = conversationSignals(
      buildTranscript([
        ['customer', 'I would like to check my balance, thanks.'],
        ['agent', 'It is $20.'],
      ]),
    );
    const angry = conversationSignals(
      buildTranscript([
        ['customer', 'Hello.'],
        ['agent', 'Hi, how can I help?'],
        ['customer', 'This is terrible. I want to cancel, another provider offers a better deal.'],
      ]),
      { outcome: 'unresolved' },
    );
    const base = { risk: 0.2, reasons: [] };
    const low = combineChurnRisk(base, calm);
    const high = combineChurnRisk(base, angry);
    expect(high.risk).toBeGreaterThan(0.6);
    expect(low.risk).toBeLessThan(0.25);
    expect(high.reasons[0]?.detail).toMatch(/cancel \(turns 3\)/);
    expect(high.reasons.map((r) => r.attribute)).toContain('conversation.competitor');
  });

  it('reads the mood as the live sentiment model scored it, and lists no reason too small to matter', () => {
    const transcript = buildTranscript([
      ['customer', 'I was charged twice and I am annoyed.'],
      ['agent', 'Sorry about that, let me fix it.'],
      ['customer', 'Sure, it is [EMAIL].'],
    ]);
    // The live model: annoyed at first, neutral (not pleased) when giving an e-mail address.
    const live = new Map([
      [1, -0.6],
      [3, -0.02],
    ]);
    const signals = conversationSignals(transcript, { sentimentOf: (seq) => live.get(seq) });
    expect(signals.sentimentStart).toBeCloseTo(-0.31);
    expect(signals.sentimentEnd).toBeCloseTo(-0.31);
    const { reasons } = combineChurnRisk(null, {
      ...signals,
      sentimentStart: 0,
      sentimentEnd: -0.02,
    });
    // -0.02 is neutral: it moves the risk a hair but is no "ended the conversation upset".
    expect(reasons.map((r) => r.attribute)).not.toContain('conversation.negativeEnd');
  });
});
