import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CuecardError } from '../../errors/cuecard-error.js';

const turnSchema = z.union([
  z.object({ speaker: z.enum(['customer', 'agent', 'bot']), text: z.string().min(1) }),
  z.object({ action: z.string().min(1), data: z.record(z.string(), z.unknown()).optional() }),
]);

export const callScriptSchema = z.object({
  id: z.string().min(1),
  channel: z.enum(['voice', 'chat', 'email']),
  customerId: z.string().optional(),
  customerAttributes: z.record(z.string(), z.unknown()).optional(),
  turns: z.array(turnSchema).min(1),
});

export type CallScript = z.infer<typeof callScriptSchema>;

/** Loads the demo calls we wrote (knowledge/demo-calls/*.json). */
export async function loadCallScripts(dir: string): Promise<CallScript[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (name) => {
      const file = path.join(dir, name);
      const parsed = callScriptSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new CuecardError(
          'data_invalid',
          `${file}: field "${issue?.path.join('.')}" ${issue?.message}`,
        );
      }
      return parsed.data;
    }),
  );
}
