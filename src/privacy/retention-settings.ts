import { z } from 'zod';

/** The kinds of data a tenant keeps for a limited time. */
export const retentionKinds = ['transcripts', 'events', 'wrapups'] as const;
export type RetentionKind = (typeof retentionKinds)[number];

const days = z.number().int().min(1).max(36_500);

/**
 * A tenant's retention, in days per kind (tenant settings, `retention`); a kind left out is kept
 * until erased. transcripts: the turns (and analyzer state) of conversations ended that long ago;
 * events: the live event log and the webhook deliveries made from it; wrapups: wrap-up results,
 * QA scores (with their reviewers' overrides), follow-up tasks, and the similar-case index.
 */
export const retentionSettingsSchema = z
  .object({
    transcriptsDays: days.optional(),
    eventsDays: days.optional(),
    wrapupsDays: days.optional(),
  })
  .strict();
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

/** Settings as stored, possibly by an older version or by hand: anything invalid reads as none. */
export function readRetentionSettings(stored: unknown): RetentionSettings {
  const parsed = retentionSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : {};
}

export function daysFor(settings: RetentionSettings, kind: RetentionKind): number | undefined {
  switch (kind) {
    case 'transcripts':
      return settings.transcriptsDays;
    case 'events':
      return settings.eventsDays;
    case 'wrapups':
      return settings.wrapupsDays;
  }
}
