import type { PlaybookStepMark } from '../../conversations/events.js';
import type { Queryable } from '../../stores/database.js';

export type { PlaybookStepMark } from '../../conversations/events.js';

/** Where the marks live on the conversation: metadata field, one entry per step id. */
const FIELD = 'playbookSteps';

function isMark(value: unknown): value is PlaybookStepMark {
  if (typeof value !== 'object' || value === null) return false;
  const mark = value as Partial<PlaybookStepMark>;
  return (
    typeof mark.stepId === 'string' &&
    typeof mark.playbookId === 'string' &&
    (mark.outcome === 'done' || mark.outcome === 'skipped')
  );
}

/**
 * The agent's marks on the conversation's playbook steps. Metadata is JSON anyone with an ingest
 * key can also set at open, so it is read defensively: anything not shaped like a mark is ignored.
 */
export function stepMarksOf(
  metadata: Record<string, unknown> | null | undefined,
): PlaybookStepMark[] {
  const marks = metadata?.[FIELD];
  if (typeof marks !== 'object' || marks === null) return [];
  return Object.values(marks).filter(isMark);
}

/**
 * Records the agent's mark on the conversation; marking a step again replaces the earlier mark
 * (the agent changed their mind). Other steps' marks and other metadata are kept.
 */
export async function saveStepMark(
  db: Queryable,
  scope: { tenantId: string; conversationId: string },
  mark: PlaybookStepMark,
): Promise<void> {
  await db.query(
    `UPDATE conversations
        SET metadata = metadata || jsonb_build_object('${FIELD}',
              CASE WHEN jsonb_typeof(metadata->'${FIELD}') = 'object' THEN metadata->'${FIELD}' ELSE '{}'::jsonb END
              || jsonb_build_object($3::text, $4::jsonb))
      WHERE tenant_id = $1 AND id = $2`,
    [scope.tenantId, scope.conversationId, mark.stepId, JSON.stringify(mark)],
  );
}
