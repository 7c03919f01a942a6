import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { callScriptSchema } from '../../src/cli/replay/call-script.js';

/**
 * A golden conversation: a whole scripted call or chat we wrote, with what a supervisor would
 * accept from Cuecard's live stream and wrap-up. Turn numbers are 1-based positions in `turns`,
 * which are also the items' sequence numbers.
 */
const range = z.tuple([z.number(), z.number()]);
/** An article id, or the ids a supervisor would accept equally. */
const oneOrMore = z
  .union([z.string(), z.array(z.string()).min(1)])
  .transform((value) => (typeof value === 'string' ? [value] : value));
const alertKind = z.enum(['escalation', 'churn', 'compliance', 'other']);

export const goldenSchema = callScriptSchema.extend({
  title: z.string().min(1),
  language: z.enum(['en', 'zh']),
  expect: z.object({
    /** The conversation's intent as the console shows it at the end. */
    intent: z.string().nullable().optional(),
    /** When a supervisor would accept more than one intent for the contact. */
    intentOneOf: z.array(z.string()).optional(),
    /** Each article must be among the first three cards by the given turn. */
    cards: z.array(z.object({ article: oneOrMore, byTurn: z.number().int().positive() })),
    /** Turns that must not bring a new card (small talk, verification, closing). */
    noCardTurns: z.array(z.number().int().positive()).default([]),
    maxCards: z.number().int().nonnegative().optional(),
    /** A suggested reply citing this article by this turn; null: no reply needs to cite one. */
    replyCites: z
      .object({ article: oneOrMore, byTurn: z.number().int().positive() })
      .nullable()
      .default(null),
    /** Exactly these alert kinds are raised (in any order), each once. */
    alerts: z.array(alertKind),
    /** Judgment calls a supervisor accepts either way: each may also be raised once. */
    alertsMayAlso: z.array(alertKind).default([]),
    /** Raw personal data that must appear in no event, stored or live. */
    redacted: z.array(z.string()).default([]),
    /** Absent for Mandarin calls until their wrap-up is built (issue 18): live stream only. */
    /**
     * Expectations the product does not meet yet, each with the issue that will: their tests
     * assert the gap is still there, so closing it fails the suite until the golden is updated.
     */
    knownGaps: z.array(z.enum(['cards', 'replies', 'alerts', 'intent', 'wrapup'])).default([]),
    knownGapsWhy: z.string().optional(),
    wrapup: z
      .object({
        disposition: z.array(z.string()).min(1),
        outcome: z.array(z.enum(['resolved', 'unresolved', 'escalated', 'follow-up'])).min(1),
        /** Words the summary must contain (case-insensitive), in the conversation's language. */
        summaryIncludes: z.array(z.string()).default([]),
        /** How many follow-up tasks, at least and at most. */
        followUps: range,
        churnRisk: range,
        qaOverall: range,
      })
      .optional(),
  }),
});

export type GoldenConversation = z.infer<typeof goldenSchema>;

/**
 * The service as npm start builds it, but every analyzer runs on every turn: goldens assert what
 * each turn shows, and on a loaded test machine load shedding would decide it instead.
 */
// Goldens judge what each turn gets, not how fast a cold server on a busy CI box answers the
// first call: no load shedding, and 10 s per analyzer (production: 2 s) before an analyzer_timeout.
export const GOLDEN_ENV = { CUECARD_LOAD_SHEDDING: 'false', CUECARD_ANALYZER_TIMEOUT_MS: '10000' };

export const goldenDir = path.join(import.meta.dirname, 'conversations');

export async function loadGoldenConversations(): Promise<GoldenConversation[]> {
  const files = (await readdir(goldenDir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (name) => {
      const parsed = goldenSchema.safeParse(
        JSON.parse(await readFile(path.join(goldenDir, name), 'utf8')),
      );
      if (!parsed.success)
        throw new Error(
          `${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      return parsed.data;
    }),
  );
}
