import type { Database } from '../../stores/database.js';
import { extractCommitments, type Commitment } from './commitments.js';
import { saveFollowUps, type FollowUpTask } from './follow-up-store.js';

export interface FollowUpsResult {
  tasks: FollowUpTask[];
}
import { defineFinalizer } from '../../pipeline/analyzer.js';

/**
 * Commitments made in the conversation ("I'll call you back Thursday", "the refund arrives in
 * 5 days") become follow-up tasks with a due time and a drafted message, pushed to the agent.
 * Reuses the summary's commitments when the summary ran first.
 */
export function createFollowUpsFinalizer(db: Database) {
  return defineFinalizer({
    name: 'follow-ups',
    languages: ['en', 'zh'], // commitment cues and due dates
    reads: ['summary'],
    readsLive: [],
    async finalize(context) {
      const commitments: Commitment[] =
        context.previous.summary?.followUps ??
        extractCommitments(
          context.transcript.flatMap((item) =>
            item.kind === 'utterance'
              ? [{ seq: item.seq, speaker: item.speaker, text: item.text }]
              : [],
          ),
          { now: new Date(context.conversation.endedAt ?? Date.now()), owners: ['agent', 'bot'] },
        );
      const tasks = await saveFollowUps(
        db,
        context.tenantId,
        context.conversation.id,
        context.conversation.agentId,
        commitments,
      );
      return { result: { tasks: tasks.map((task) => ({ ...task })) } };
    },
  });
}
