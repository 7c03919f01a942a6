import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { CuecardError } from '../../errors/cuecard-error.js';
import {
  loadYamlDefinition,
  parseYamlDefinition,
  schemaDefinition,
} from '../../text/yaml-definition.js';

/**
 * Playbooks: what a knowledge manager expects an agent to do for one kind of request, as
 * ordered steps (ask, verify, act, offer, confirm). A step is done when the agent takes one of
 * its actions (a button in the desktop) or says one of its phrases. Written as YAML files so
 * that non-developers can own them.
 */
const phraseList = z.array(z.string().min(1)).default([]);

/**
 * One playbook serves every language: cues in all languages sit side by side in the phrase lists
 * (a Chinese phrase never matches English text, nor the reverse), and the words the agent reads
 * (titles, why, suggested phrases) are translated per language code. Two playbooks per language
 * would have to be kept step for step in sync, and a call that switches language mid-way would
 * lose its progress. A missing translation falls back to the playbook's own wording.
 */
const languageCode = z.string().regex(/^[a-z]{2,3}$/, 'use a language code such as "zh"');
const stepWording = z.strictObject({
  title: z.string().min(1),
  why: z.string().min(1).optional(),
  suggested_phrase: z.string().min(1).optional(),
});

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
  /** The step's words in other languages, by language code. */
  translations: z.record(languageCode, stepWording).optional(),
});

const playbookSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
    version: z.number().int().positive(),
    title: z.string().min(1),
    /** The playbook's title in other languages, by language code. */
    translations: z.record(languageCode, z.strictObject({ title: z.string().min(1) })).optional(),
    /** Intent names (from the intent analyzer) this playbook serves. */
    intents: z.array(z.string().min(1)).default([]),
    /** Customer words that select this playbook when no intent matches. */
    customer_says: phraseList,
    steps: z.array(stepSchema).min(1),
  })
  .superRefine((playbook, context) => {
    // Progress is tracked by step id: two steps with one id would complete each other.
    const seen = new Set<string>();
    for (const step of playbook.steps) {
      if (seen.has(step.id))
        context.addIssue({
          code: 'custom',
          path: ['steps'],
          message: `step id "${step.id}" is used twice`,
        });
      seen.add(step.id);
    }
  });

export type PlaybookStep = z.infer<typeof stepSchema>;
export type Playbook = z.infer<typeof playbookSchema>;

/**
 * The playbook as an agent working in `language` reads it: titles, reasons and phrases in that
 * language where the playbook has them. Cues and ids are unchanged, so progress carries over.
 */
export function localizePlaybook(playbook: Playbook, language: string): Playbook {
  const title = playbook.translations?.[language]?.title;
  const steps = playbook.steps.map((step) => {
    const wording = step.translations?.[language];
    if (!wording) return step;
    return {
      ...step,
      title: wording.title,
      why: wording.why ?? step.why,
      suggested_phrase: wording.suggested_phrase ?? step.suggested_phrase,
    };
  });
  return { ...playbook, title: title ?? playbook.title, steps };
}

const playbookDefinition = schemaDefinition('playbook', playbookSchema);

/**
 * Validates one parsed playbook (an API body, a stored row); every problem is listed with its
 * path. Files go through parsePlaybookYaml, whose errors are `data_invalid`.
 */
export function parsePlaybook(value: unknown, source: string): Playbook {
  return playbookDefinition.check(value, source, 'validation_failed');
}

export function parsePlaybookYaml(text: string, source: string): Playbook {
  return parseYamlDefinition(text, source, playbookDefinition);
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
    const playbook = await loadYamlDefinition(source, playbookDefinition);
    const other = sources.get(playbook.id);
    if (other)
      throw new CuecardError(
        'data_invalid',
        `${source}: playbook id "${playbook.id}" is also used by ${other}`,
        { field: 'id' },
      );
    sources.set(playbook.id, source);
    playbooks.push(playbook);
  }
  return playbooks;
}
