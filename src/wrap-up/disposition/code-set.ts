import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { CuecardError } from '../../errors/cuecard-error.js';

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

export function parseDispositionCodeSet(text: string, source: string): DispositionCodeSet {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new CuecardError('validation_failed', `${source}: not valid YAML`, { cause: error });
  }
  const parsed = dispositionCodeSetSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new CuecardError(
      'validation_failed',
      `${source}: invalid disposition code set\n${problems.join('\n')}`,
      { details: { problems } },
    );
  }
  const seen = new Set<string>();
  for (const entry of parsed.data.codes) {
    if (seen.has(entry.code))
      throw new CuecardError(
        'validation_failed',
        `${source}: code "${entry.code}" is defined twice`,
        { field: 'codes' },
      );
    seen.add(entry.code);
  }
  return parsed.data;
}

export async function loadDispositionCodeSet(file: string): Promise<DispositionCodeSet> {
  return parseDispositionCodeSet(await readFile(file, 'utf8'), file);
}
