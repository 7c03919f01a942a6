import { describe, expect, it } from 'vitest';
import { matchStepToLabel, parseGuidelineWorkflows } from './workflows.js';

describe('guideline workflows', () => {
  it('reads each subsection as an ordered workflow of slugged steps', () => {
    const workflows = parseGuidelineWorkflows(
      {
        Billing: {
          description: 'money',
          subflows: {
            Refund: {
              actions: [
                { button: 'Pull up Account', text: 'ask name' },
                { button: 'N/A' },
                { button: 'Offer Refund' },
              ],
            },
          },
        },
      },
      'kb.json',
    );
    expect(workflows).toEqual([
      {
        id: 'Billing/Refund',
        group: 'Billing',
        text: expect.stringContaining('ask name'),
        steps: ['pull-up-account', 'offer-refund'],
      },
    ]);
  });

  it('rejects a document without workflows, naming the file', () => {
    expect(() => parseGuidelineWorkflows({ a: 1 }, 'kb.json')).toThrow(
      /kb\.json: no section with "subflows"/,
    );
    expect(() => parseGuidelineWorkflows([], 'kb.json')).toThrow(/kb\.json/);
  });

  it('maps written step names onto the action labels agents actually use', () => {
    const labels = [
      'search-boots',
      'notify-team',
      'enter-details',
      'membership',
      'search-membership',
    ];
    expect(matchStepToLabel('boots', labels)).toBe('search-boots');
    expect(matchStepToLabel('notify-internal-team', labels)).toBe('notify-team');
    expect(matchStepToLabel('enter-detail', labels)).toBe('enter-details');
    expect(matchStepToLabel('membership-privileges', labels)).toBe('membership');
    expect(matchStepToLabel('fly-away', labels)).toBeUndefined();
  });
});
