import type { Database } from '../../stores/database.js';
import { recordTopicAndFindRepeat } from '../../wrap-up/repeat-contact/repeat-contacts.js';
import type { Finalizer, FinalizerContext } from '../analyzer.js';

/** The conversation's topic: its detected intent, else the suggested wrap-up code. */
function topicOf(context: FinalizerContext): string | null {
  const seqs = Object.keys(context.analyses)
    .map(Number)
    .sort((a, b) => b - a);
  for (const seq of seqs) {
    const intent = context.analyses[seq]?.intent;
    const topic = intent?.conversationIntent ?? intent?.intent;
    if (typeof topic === 'string' && topic) return topic;
  }
  const suggested = context.previous.disposition?.suggested;
  return typeof suggested === 'string' ? suggested : null;
}

/** Marks repeat contacts (same customer, same topic, within the window) for FCR reporting. */
export function createRepeatContactFinalizer(
  db: Database,
  windowHours: (tenantId: string) => Promise<number> | number,
): Finalizer {
  return {
    name: 'repeat-contact',
    async finalize(context) {
      const finding = await recordTopicAndFindRepeat(db, {
        tenantId: context.tenantId,
        conversationId: context.conversation.id,
        customerId: context.conversation.customerId,
        topic: topicOf(context),
        startedAt: context.conversation.startedAt,
        windowHours: await windowHours(context.tenantId),
      });
      return {
        result: {
          topic: finding.topic,
          repeatContact: finding.repeats !== null,
          repeats: finding.repeats,
        },
      };
    },
  };
}
