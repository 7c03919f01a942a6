import { describe, expect, it } from 'vitest';
import { fillSlots, renderPrompt } from './prompt-template.js';

describe('prompt templates', () => {
  it('fills each slot once, never reading inserted text as a slot or a $ pattern', () => {
    const filled = fillSlots('Q: {{question}}\nA: {{answer}}\nX: {{unknown}}', {
      question: 'what is {{answer}}?',
      answer: 'costs $& and $1',
    });
    expect(filled).toBe('Q: what is {{answer}}?\nA: costs $& and $1\nX: {{unknown}}');
  });

  it('reads a versioned prompt from prompts/ and fails clearly for a missing one', async () => {
    expect(await renderPrompt('summary.v1', { transcript: '[1] customer: hi' })).toContain(
      '[1] customer: hi',
    );
    await expect(renderPrompt('no-such-prompt.v9', {})).rejects.toThrow(/no-such-prompt\.v9\.md/);
  });
});
