import { describe, expect, it } from 'vitest';
import type { HelpEventBody } from '../events.js';
import { helpRequestsOf } from './help-requests.js';

const mei = { keyId: 'k_mei', name: 'Mei Chen' };
const omar = { keyId: 'k_omar', name: 'Omar Diaz' };
const alice = { keyId: 'k_alice', name: 'Alice Example' };
const at = (second: number) => `2026-12-07T10:00:${String(second).padStart(2, '0')}.000Z`;

describe('helpRequestsOf', () => {
  it('names the first taker and the closer, and ignores notes and events of unknown requests', () => {
    const events: { body: HelpEventBody; at: string }[] = [
      { body: { type: 'help-taken', requestId: 'h_ghost', by: omar }, at: at(0) },
      {
        body: { type: 'help-requested', requestId: 'h_1', reason: '要挽留', by: alice },
        at: at(1),
      },
      { body: { type: 'help-taken', requestId: 'h_1', by: mei }, at: at(2) },
      { body: { type: 'help-taken', requestId: 'h_1', by: omar }, at: at(3) },
      {
        body: { type: 'supervisor-note', noteId: 'n_1', requestId: 'h_1', text: 'ok', by: mei },
        at: at(4),
      },
      { body: { type: 'help-resolved', requestId: 'h_1', by: alice }, at: at(5) },
      { body: { type: 'help-requested', requestId: 'h_2', reason: null, by: alice }, at: at(6) },
    ];
    expect(helpRequestsOf(events)).toEqual([
      {
        requestId: 'h_1',
        reason: '要挽留',
        requestedBy: alice,
        requestedAt: at(1),
        takenBy: mei,
        takenAt: at(2),
        resolvedBy: alice,
        resolvedAt: at(5),
      },
      {
        requestId: 'h_2',
        reason: null,
        requestedBy: alice,
        requestedAt: at(6),
        takenBy: null,
        takenAt: null,
        resolvedBy: null,
        resolvedAt: null,
      },
    ]);
  });
});
