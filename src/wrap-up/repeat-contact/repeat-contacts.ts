import type { Queryable } from '../../stores/database.js';
import { sharedTopicWords } from './topic-words.js';

/**
 * Repeat contacts and first-contact resolution. A conversation's `topic` (its intent, or the
 * suggested wrap-up code when no intent is known) and, for a Chinese call, its topic words are
 * kept in its metadata; when the same customer comes back about the same topic (or with two of
 * the same topic words) within the window, the earlier conversation was not resolved on first
 * contact.
 */
export interface RepeatFinding {
  /** The earlier conversation this one repeats, if any. */
  repeats: { conversationId: string; endedAt: string | null; hoursBefore: number } | null;
  topic: string | null;
}

/** Same intent or code, or enough of the same words (Chinese calls, whose codes may differ). */
function sameTopic(
  earlier: { topic: string | null; topicWords: unknown },
  topic: string | null,
  topicWords: readonly string[],
): boolean {
  if (topic !== null && earlier.topic === topic) return true;
  const words = Array.isArray(earlier.topicWords) ? earlier.topicWords : [];
  return words.filter((word) => topicWords.includes(word as string)).length >= sharedTopicWords;
}

export async function recordTopicAndFindRepeat(
  db: Queryable,
  input: {
    tenantId: string;
    conversationId: string;
    customerId: string | null;
    topic: string | null;
    /** The call's topic words (Chinese calls; empty otherwise). */
    topicWords?: readonly string[];
    startedAt: string;
    windowHours: number;
  },
): Promise<RepeatFinding> {
  const topicWords = input.topicWords ?? [];
  await db.query(
    `UPDATE conversations SET metadata = metadata || jsonb_build_object('topic', $3::text, 'topicWords', $4::jsonb) WHERE tenant_id = $1 AND id = $2`,
    [input.tenantId, input.conversationId, input.topic, JSON.stringify(topicWords)],
  );
  if (!input.customerId || (!input.topic && topicWords.length === 0))
    return { repeats: null, topic: input.topic };
  const since = new Date(new Date(input.startedAt).getTime() - input.windowHours * 3_600_000);
  // A customer has few calls in a window; the last twenty are read and compared here.
  const { rows } = await db.query<{
    id: string;
    ended_at: Date | null;
    started_at: Date;
    topic: string | null;
    topic_words: unknown;
  }>(
    `SELECT id, ended_at, started_at, metadata->>'topic' AS topic, metadata->'topicWords' AS topic_words
       FROM conversations
      WHERE tenant_id = $1 AND customer_id = $2 AND id <> $3 AND status = 'ended'
        AND started_at >= $4 AND started_at < $5
      ORDER BY started_at DESC LIMIT 20`,
    [input.tenantId, input.customerId, input.conversationId, since, new Date(input.startedAt)],
  );
  const earlier = rows.find((row) =>
    sameTopic({ topic: row.topic, topicWords: row.topic_words }, input.topic, topicWords),
  );
  if (!earlier) return { repeats: null, topic: input.topic };
  await db.query(
    `UPDATE conversations SET metadata = metadata || jsonb_build_object('firstContactResolved', false, 'repeatedBy', $3::text)
      WHERE tenant_id = $1 AND id = $2`,
    [input.tenantId, earlier.id, input.conversationId],
  );
  await db.query(
    `UPDATE conversations SET metadata = metadata || jsonb_build_object('repeatContact', true, 'repeats', $3::text)
      WHERE tenant_id = $1 AND id = $2`,
    [input.tenantId, input.conversationId, earlier.id],
  );
  return {
    topic: input.topic,
    repeats: {
      conversationId: earlier.id,
      endedAt: earlier.ended_at ? new Date(earlier.ended_at).toISOString() : null,
      hoursBefore:
        Math.round(
          ((new Date(input.startedAt).getTime() - new Date(earlier.started_at).getTime()) /
            3_600_000) *
            10,
        ) / 10,
    },
  };
}

export type FcrGroup = 'agent' | 'topic' | 'day' | 'week';

/** First-contact resolution rate per group: ended conversations not followed by a repeat contact. */
export async function fcrReport(
  db: Queryable,
  input: { tenantId: string; groupBy: FcrGroup; from?: Date | undefined; to?: Date | undefined },
): Promise<
  Array<{ group: string; conversations: number; resolvedFirstTime: number; rate: number }>
> {
  const key = {
    agent: `coalesce(agent_id, '(none)')`,
    topic: `coalesce(metadata->>'topic', '(unknown)')`,
    day: `to_char(date_trunc('day', started_at), 'YYYY-MM-DD')`,
    week: `to_char(date_trunc('week', started_at), 'YYYY-MM-DD')`,
  }[input.groupBy];
  const { rows } = await db.query<{ grp: string; n: number; resolved: number }>(
    `SELECT ${key} AS grp, count(*)::int AS n,
            count(*) FILTER (WHERE coalesce((metadata->>'firstContactResolved')::boolean, true))::int AS resolved
       FROM conversations
      WHERE tenant_id = $1 AND status = 'ended' AND ($2::timestamptz IS NULL OR started_at >= $2) AND ($3::timestamptz IS NULL OR started_at < $3)
      GROUP BY 1 ORDER BY 1`,
    [input.tenantId, input.from ?? null, input.to ?? null],
  );
  return rows.map((row) => ({
    group: row.grp,
    conversations: row.n,
    resolvedFirstTime: row.resolved,
    rate: row.n === 0 ? 0 : row.resolved / row.n,
  }));
}
