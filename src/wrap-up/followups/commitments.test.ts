import { describe, expect, it } from 'vitest';
import { extractCommitments } from './commitments.js';

// Sunday 6 December 2026, 05:09 UTC: a call that ends early on a weekend morning.
const now = new Date('2026-12-06T05:09:27Z');
const turns = [
  { seq: 8, speaker: 'agent', text: "I'm issuing a refund of $24.99 to your card right now." },
  { seq: 10, speaker: 'customer', text: 'Okay. How long does that take?' },
  {
    seq: 11,
    speaker: 'agent',
    text: "Refunds arrive in 5 to 7 business days. I'll also email you a confirmation today, and I'll call you back on Thursday at 2pm.",
  },
];

describe('follow-ups from commitments', () => {
  const found = extractCommitments(turns, { now, owners: ['agent'] });
  const byKind = (kind: string) => found.find((commitment) => commitment.kind === kind)!;

  it('counts business days past the weekend, to the latest day promised', () => {
    // 7 business days from Sunday 6 Dec: Mon 7 … Fri 11, Mon 14, Tue 15.
    expect(byKind('refund').dueAt).toBe('2026-12-15T17:00:00.000Z');
    expect(byKind('refund').draftMessage).toContain('by Tue, 15 Dec 2026.');
  });

  it('carries the refund amount said a turn before into the task and the message', () => {
    expect(byKind('refund').amounts).toEqual(['$24.99']);
    expect(byKind('refund').draftMessage).toContain('Your refund of $24.99');
  });

  it('names a time in the message only when one was said', () => {
    expect(byKind('callback').dueAt).toBe('2026-12-10T14:00:00.000Z');
    expect(byKind('callback').draftMessage).toContain('Thu, 10 Dec 2026, 14:00 UTC');
    expect(byKind('send').draftMessage).toMatch(/by Sun, 06 Dec 2026\.$/);
  });

  it('keeps calendar days and hours as they are', () => {
    const [days, hours] = extractCommitments(
      [
        { seq: 1, speaker: 'agent', text: 'The replacement will arrive in 3 days.' },
        { seq: 2, speaker: 'agent', text: 'A technician will call you within 4 hours.' },
      ],
      { now },
    );
    expect(days!.dueAt).toBe('2026-12-09T17:00:00.000Z');
    expect(hours!.dueAt).toBe('2026-12-06T09:09:27.000Z');
  });

  it('reads numbers as speech-to-text spells them', () => {
    const [spelled] = extractCommitments(
      [{ seq: 1, speaker: 'agent', text: 'Your refund should arrive in twenty-one days.' }],
      { now },
    );
    expect(spelled!.dueAt).toBe('2026-12-27T17:00:00.000Z');
  });
});
