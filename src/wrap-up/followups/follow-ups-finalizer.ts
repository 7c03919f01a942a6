import type { Database } from '../../stores/database.js';
import { extractCommitments, type Commitment } from './commitments.js';
import { saveFollowUps } from './follow-up-store.js';
import type { Finalizer } from '../../pipeline/analyzer.js';

/**
 * Commitments made in the conversation ("I'll call you back Thursday", "the refund arrives in
 * 5 days") become follow-up tasks with a due time and a drafted message, pushed to the agent.
 * Reuses the summary's commitments when the summary ran first.
 */
export function createFollowUpsFinalizer(db: Database): Finalizer {
  return {
    name: 'follow-ups',
    async finalize(context) {
      const fromSummary = context.previous.summary?.followUps;
      const commitments: Commitment[] = Array.isArray(fromSummary)
        ? (fromSummary as Commitment[])
        : extractCommitments(
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
  };
}
