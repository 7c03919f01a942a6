import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { CuecardError } from '../../errors/cuecard-error.js';

export const qaChecks = [
  'greeting',
  'identity_before_change',
  'empathy_when_upset',
  'kb_accuracy',
  'correct_disposition',
  'resolution_confirmed',
  'closing',
] as const;
export type QaCheck = (typeof qaChecks)[number];

export const scorecardSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]+$/i),
  version: z.number().int().positive(),
  name: z.string(),
  criteria: z
    .array(
      z.object({
        id: z.string().min(1),
        check: z.enum(qaChecks),
        weight: z.number().positive().default(1),
        description: z.string().default(''),
      }),
    )
    .min(1),
});

export type Scorecard = z.infer<typeof scorecardSchema>;

export function parseScorecard(text: string, source: string): Scorecard {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new CuecardError('validation_failed', `${source}: not valid YAML`, { cause: error });
  }
  const parsed = scorecardSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new CuecardError(
      'validation_failed',
      `${source}: invalid scorecard\n${problems.join('\n')}`,
      { details: { problems } },
    );
  }
  const ids = parsed.data.criteria.map((criterion) => criterion.id);
  if (new Set(ids).size !== ids.length)
    throw new CuecardError('validation_failed', `${source}: criterion ids must be unique`, {
      field: 'criteria',
    });
  return parsed.data;
}

export async function loadScorecard(file: string): Promise<Scorecard> {
  return parseScorecard(await readFile(file, 'utf8'), file);
}
