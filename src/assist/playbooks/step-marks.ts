import type { PlaybookStepMark } from '../../conversations/events.js';
import type { Queryable } from '../../stores/database.js';

export type { PlaybookStepMark } from '../../conversations/events.js';

/**
 * The agent's marks as they stand: the conversation's `playbook-step` events in log order, the
 * latest per step (marking a step again means the agent changed their mind). The events are the
 * marks' only record, written in one append, so the checklist, the consoles and QA can never
 * disagree about a mark (decision 0026).
 */
export function stepMarksIn(events: Iterable<{ mark: PlaybookStepMark }>): PlaybookStepMark[] {
  const latest = new Map<string, PlaybookStepMark>();
  for (const { mark } of events) {
    // Re-inserted so that a changed mark moves to where the agent last touched it.
    latest.delete(mark.stepId);
    latest.set(mark.stepId, mark);
  }
  return [...latest.values()];
}

/** Reads the conversation's step marks from its event log (one indexed read per turn). */
export async function loadStepMarks(
  db: Queryable,
  scope: { tenantId: string; conversationId: string },
): Promise<PlaybookStepMark[]> {
  const { rows } = await db.query<{ payload: { mark: PlaybookStepMark } }>(
    `SELECT payload FROM events
      WHERE tenant_id = $1 AND conversation_id = $2 AND type = 'playbook-step'
      ORDER BY id`,
    [scope.tenantId, scope.conversationId],
  );
  return stepMarksIn(rows.map((row) => row.payload));
}
