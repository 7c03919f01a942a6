import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CuecardError } from '../../errors/cuecard-error.js';

/**
 * Playbooks: what a knowledge manager expects an agent to do for one kind of request, as
 * ordered steps (ask, verify, act, offer, confirm). A step is done when the agent takes one of
 * its actions (a button in the desktop) or says one of its phrases. Written as YAML files so
 * that non-developers can own them.
 */
const phraseList = z.array(z.string().min(1)).default([]);

const stepSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  kind: z.enum(['ask', 'verify', 'act', 'offer', 'confirm']),
  title: z.string().min(1),
  /** Why the step matters, shown to the agent with the suggestion. */
  why: z.string().min(1),
  done_when: z
    .strictObject({
      /** Agent actions (ConversationItem kind 'action') that complete the step. */
      actions: z.array(z.string().min(1)).default([]),
      /** Agent phrases (case-insensitive; "/regex/" for a pattern) that complete the step. */
      agent_says: phraseList,
    })
    .refine(
      (value) => value.actions.length + value.agent_says.length > 0,
      'list at least one action or phrase',
    ),
  /** The step applies only once the customer has said one of these. */
  only_if_customer_says: z.array(z.string().min(1)).optional(),
  /** A phrase the agent can use for this step (reply templates draw on it). */
  suggested_phrase: z.string().min(1).optional(),
});

const playbookSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  version: z.number().int().positive(),
  title: z.string().min(1),
  /** Intent names (from the intent analyzer) this playbook serves. */
  intents: z.array(z.string().min(1)).default([]),
  /** Customer words that select this playbook when no intent matches. */
  customer_says: phraseList,
  steps: z.array(stepSchema).min(1),
});

export type PlaybookStep = z.infer<typeof stepSchema>;
export type Playbook = z.infer<typeof playbookSchema>;

/** Validates one parsed playbook; every problem is listed with its path in the file. */
export function parsePlaybook(value: unknown, source: string): Playbook {
  const parsed = playbookSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new CuecardError(
      'validation_failed',
      `${source}: invalid playbook:\n  - ${problems.join('\n  - ')}`,
      {
        field: parsed.error.issues[0]?.path.join('.'),
        details: { source, problems },
      },
    );
  }
  const playbook = parsed.data;
  const seen = new Set<string>();
  for (const step of playbook.steps) {
    if (seen.has(step.id)) {
      throw new CuecardError(
        'validation_failed',
        `${source}: invalid playbook:\n  - steps: step id "${step.id}" is used twice`,
        {
          field: 'steps',
        },
      );
    }
    seen.add(step.id);
  }
  return playbook;
}

export function parsePlaybookYaml(text: string, source: string): Playbook {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new CuecardError(
      'validation_failed',
      `${source}: not valid YAML (${(error as Error).message})`,
      { cause: error },
    );
  }
  return parsePlaybook(value, source);
}

/** Loads every `*.yaml`/`*.yml` playbook of a folder; ids must be unique across files. */
export async function loadPlaybooks(directory: string): Promise<Playbook[]> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    throw new CuecardError('not_found', `playbook folder ${directory} cannot be read`, {
      cause: error,
    });
  }
  const playbooks: Playbook[] = [];
  const sources = new Map<string, string>();
  for (const name of names) {
    const source = join(directory, name);
    const playbook = parsePlaybookYaml(await readFile(source, 'utf8'), source);
    const other = sources.get(playbook.id);
    if (other)
      throw new CuecardError(
        'validation_failed',
        `${source}: playbook id "${playbook.id}" is also used by ${other}`,
        { field: 'id' },
      );
    sources.set(playbook.id, source);
    playbooks.push(playbook);
  }
  return playbooks;
}
