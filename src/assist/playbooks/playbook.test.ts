import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toItem, type Turn } from '../testing/transcript-fixture.js';
import { loadPlaybooks, parsePlaybookYaml } from './playbook.js';
import { explainNextStep, selectPlaybook, trackPlaybook } from './playbook-tracker.js';

const shipped = await loadPlaybooks(join(import.meta.dirname, '../../../knowledge/playbooks'));
const transcript = (turns: Turn[]) => turns.map((turn, i) => toItem(turn, i + 1));

describe('playbook loader', () => {
  it('loads every playbook shipped in knowledge/playbooks', () => {
    expect(shipped.length).toBeGreaterThanOrEqual(6);
    expect(shipped.map((playbook) => playbook.id)).toContain('refund-request');
    for (const playbook of shipped) expect(playbook.steps.length).toBeGreaterThanOrEqual(3);
  });

  it('lists every problem of a bad playbook with its path', () => {
    const yaml =
      'id: Bad Id\nversion: 1\ntitle: x\nsteps:\n  - id: a\n    kind: dance\n    title: t\n    why: w\n    done_when: {}\n';
    expect(() => parsePlaybookYaml(yaml, 'bad.yaml')).toThrow(
      /bad\.yaml: invalid playbook:[\s\S]*id: use lower-case[\s\S]*steps\.0\.kind[\s\S]*steps\.0\.done_when: list at least one/,
    );
    expect(() => parsePlaybookYaml('id: [unclosed', 'broken.yaml')).toThrow(
      /broken\.yaml: not valid YAML/,
    );
  });

  it('refuses two files with the same playbook id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'playbooks-'));
    const body =
      'id: same\nversion: 1\ntitle: T\nsteps:\n  - {id: a, kind: ask, title: A, why: W, done_when: {agent_says: [hello]}}\n';
    await writeFile(join(dir, 'a.yaml'), body);
    await writeFile(join(dir, 'b.yml'), body);
    await expect(loadPlaybooks(dir)).rejects.toThrow(
      /b\.yml: playbook id "same" is also used by .*a\.yaml/,
    );
  });
});

describe('playbook tracker', () => {
  it('selects the refund playbook from customer words and asks for verification after the reason', () => {
    const items = transcript([
      { customer: 'Hi, I would like a refund for my jacket' },
      { agent: 'Sorry to hear that! What went wrong with it?' },
      { customer: 'The zipper broke after two days.' },
    ]);
    const selection = selectPlaybook(shipped, items)!;
    expect(selection.playbook.id).toBe('refund-request');
    const progress = trackPlaybook(selection.playbook, items);
    expect(progress.done.map((entry) => entry.step.id)).toEqual(['ask-reason']);
    expect(progress.next?.id).toBe('verify-identity');
    expect(explainNextStep(progress.next!, selection)).toMatch(
      /not verified yet.*customer mentioned "refund"/,
    );
  });

  it('marks steps done by agent actions, and skips conditional steps that do not apply', () => {
    const items = transcript([
      { customer: 'where is my order?' },
      { action: 'validate-purchase' },
      { action: 'shipping-status' },
    ]);
    const selection = selectPlaybook(shipped, items, { intent: 'order_status' })!;
    const progress = trackPlaybook(selection.playbook, items);
    expect(progress.next?.id).toBe('confirm-close');
    const late = transcript([
      { customer: 'where is my order? it is 3 weeks late' },
      { action: 'shipping-status' },
    ]);
    // The shipping status was checked, so the order was found: that step is behind the agent.
    const lateProgress = trackPlaybook(selection.playbook, late);
    expect(lateProgress.passed.map((step) => step.id)).toEqual(['find-order']);
    expect(lateProgress.remaining.map((step) => step.id)).toEqual(['late-remedy', 'confirm-close']);
  });

  it('moves past open steps once a later one is done, but never past verification', () => {
    const selection = selectPlaybook(shipped, [], { intent: 'billing_dispute' })!;
    // The agent identified the charge in words no list foresaw, then corrected it.
    const items = transcript([
      { customer: 'I was charged twice this month' },
      { action: 'verify-identity' },
      { agent: 'Yes, I found it: $24.99 twice on November 3rd.' },
      { action: 'issue-refund' },
    ]);
    const progress = trackPlaybook(selection.playbook, items);
    expect(progress.passed.map((step) => step.id)).toEqual(['identify-charge']);
    expect(progress.next?.id).toBe('confirm-close');
    expect(progress.steps.map(({ step, status }) => `${step.id}:${status}`)).toEqual([
      'verify-identity:done',
      'identify-charge:passed',
      'explain-or-correct:done',
      'confirm-close:remaining',
    ]);
    // Naming the charge from the account identifies it, as asking for it does.
    const named = trackPlaybook(
      selection.playbook,
      transcript([
        { customer: 'I was charged twice this month' },
        { agent: 'I see two charges of $24.99 on November 3rd.' },
      ]),
    );
    expect(named.steps.find(({ step }) => step.id === 'identify-charge')?.status).toBe('done');
    // Without verification the agent is still asked to verify: compliance is not inferred.
    const unverified = trackPlaybook(
      selection.playbook,
      transcript([{ customer: 'I was charged twice' }, { action: 'issue-refund' }]),
    );
    expect(unverified.passed.map((step) => step.id)).toEqual(['identify-charge']);
    expect(unverified.next?.id).toBe('verify-identity');
    // Everything done or passed: nothing next.
    const closed = trackPlaybook(selection.playbook, [
      ...items,
      ...transcript([{ agent: 'The refund shows in 5 business days.' }]).map((item) => ({
        ...item,
        seq: item.seq + items.length,
      })),
    ]);
    expect(closed.next).toBeUndefined();
  });

  it('understands Chinese customer words', () => {
    expect(
      selectPlaybook(shipped, transcript([{ customer: '你好,我想取消订阅' }]))?.playbook.id,
    ).toBe('cancel-subscription');
  });
});
