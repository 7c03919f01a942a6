import { z } from 'zod';
import {
  loadYamlDefinition,
  parseYamlDefinition,
  schemaDefinition,
} from '../../text/yaml-definition.js';

/** A tenant's wrap-up codes. `code` is the stable identifier stored with conversations. */
export const dispositionCodeSetSchema = z.object({
  version: z.number().int().positive(),
  codes: z
    .array(
      z.object({
        code: z.string().regex(/^[a-z0-9_.-]+$/i, 'codes are letters, digits, "_", "-" or "."'),
        description: z.string().default(''),
        examples: z.array(z.string()).default([]),
      }),
    )
    .min(2, 'a code set needs at least two codes'),
});

export type DispositionCodeSet = z.infer<typeof dispositionCodeSetSchema>;

// Conversations store the code: two entries with one code could not be told apart.
const codeSetDefinition = schemaDefinition(
  'disposition code set',
  dispositionCodeSetSchema.superRefine((codeSet, context) => {
    const seen = new Set<string>();
    for (const entry of codeSet.codes) {
      if (seen.has(entry.code))
        context.addIssue({
          code: 'custom',
          path: ['codes'],
          message: `code "${entry.code}" is defined twice`,
        });
      seen.add(entry.code);
    }
  }),
);

export function parseDispositionCodeSet(text: string, source: string): DispositionCodeSet {
  return parseYamlDefinition(text, source, codeSetDefinition);
}

export async function loadDispositionCodeSet(file: string): Promise<DispositionCodeSet> {
  return loadYamlDefinition(file, codeSetDefinition);
}
