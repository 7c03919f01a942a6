import { z } from 'zod';
import {
  loadYamlDefinition,
  parseYamlDefinition,
  schemaDefinition,
} from '../../text/yaml-definition.js';

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

// Scores are stored and reviewed per criterion id. Refined here rather than in scorecardSchema,
// which the API derives another schema from (zod cannot omit fields of a refined object).
const scorecardDefinition = schemaDefinition(
  'scorecard',
  scorecardSchema.superRefine((scorecard, context) => {
    const ids = scorecard.criteria.map((criterion) => criterion.id);
    if (new Set(ids).size !== ids.length)
      context.addIssue({
        code: 'custom',
        path: ['criteria'],
        message: 'criterion ids must be unique',
      });
  }),
);

export function parseScorecard(text: string, source: string): Scorecard {
  return parseYamlDefinition(text, source, scorecardDefinition);
}

export async function loadScorecard(file: string): Promise<Scorecard> {
  return loadYamlDefinition(file, scorecardDefinition);
}
