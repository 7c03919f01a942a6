import type { Database } from '../../stores/database.js';
import { recordTopicAndFindRepeat } from './repeat-contacts.js';
import { defineFinalizer, type FinalizerContext } from '../../pipeline/analyzer.js';
import type { RepeatFinding } from './repeat-contacts.js';
import { chineseTopicWords } from './topic-words.js';

export interface RepeatContactResult {
  topic: string | null;
  /**
   * What the call is about in the call's own words, for a Chinese call ("重复、扣费、退款"); null
   * otherwise (the topic, an intent or code, is shown instead).
   */
  topicLabel: string | null;
  repeatContact: boolean;
  repeats: RepeatFinding['repeats'];
}
import { conversationIntent, turnIntent } from '../../understanding/intent/intent-result.js';

/**
 * The conversation's topic: the intent of the conversation as a whole (a billing dispute whose
 * customer threatens to cancel halfway is still a billing dispute), else the last turn intent
 * named, else the suggested wrap-up code.
 */
function topicOf(context: FinalizerContext<'disposition', 'intent'>): string | null {
  const seqs = Object.keys(context.analyses)
    .map(Number)
    .sort((a, b) => b - a);
  for (const seq of seqs) {
    const topic = conversationIntent(context.analyses[seq]?.intent)?.intent;
    if (topic) return topic;
  }
  for (const seq of seqs) {
    const topic = turnIntent(context.analyses[seq]?.intent)?.intent;
    if (topic) return topic;
  }
  return context.previous.disposition?.suggested ?? null;
}

/** Marks repeat contacts (same customer, same topic, within the window) for FCR reporting. */
export function createRepeatContactFinalizer(
  db: Database,
  windowHours: (tenantId: string) => Promise<number> | number,
) {
  return defineFinalizer({
    name: 'repeat-contact',
    languages: 'any', // compares topics other stages named
    reads: ['disposition'],
    readsLive: ['intent'],
    async finalize(context) {
      const topicWords = chineseTopicWords(
        context.transcript.flatMap((item) =>
          item.kind === 'utterance' ? [{ speaker: item.speaker, text: item.text }] : [],
        ),
      );
      const finding = await recordTopicAndFindRepeat(db, {
        tenantId: context.tenantId,
        conversationId: context.conversation.id,
        customerId: context.conversation.customerId,
        topic: topicOf(context),
        topicWords,
        startedAt: context.conversation.startedAt,
        windowHours: await windowHours(context.tenantId),
      });
      return {
        result: {
          topic: finding.topic,
          topicLabel: topicWords.length > 0 ? topicWords.join('、') : null,
          repeatContact: finding.repeats !== null,
          repeats: finding.repeats,
        },
      };
    },
  });
}
