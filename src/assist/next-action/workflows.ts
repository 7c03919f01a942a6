import { CuecardError } from '../../errors/cuecard-error.js';

/**
 * A written procedure: for one kind of request, the actions an agent is expected to take, in
 * order. Comes from a knowledge manager's guidelines (or playbooks) and helps the next-action
 * model where training examples are few.
 */
export interface Workflow {
  id: string;
  /** Family the workflow belongs to (a guideline's top-level section). */
  group: string;
  /** Words describing when the workflow applies (titles, instructions, step texts). */
  text: string;
  /** Action names in order, as written by the guideline author (not necessarily the agent's button ids). */
  steps: string[];
}

/** "Pull up Account" → "pull-up-account". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  return [];
}

/**
 * Reads a guidelines document shaped `{ <group>: { description?, subflows: { <name>: { actions:
 * [{ button, text?, subtext? }], instructions? } } } }`. Unknown extra fields are ignored; a
 * document with no usable workflow is an error, so a wrong file is noticed at once.
 */
export function parseGuidelineWorkflows(document: unknown, source: string): Workflow[] {
  const root = asRecord(document);
  if (!root) {
    throw new CuecardError(
      'data_invalid',
      `${source}: guidelines must be a JSON object of sections`,
      {
        field: '(root)',
      },
    );
  }
  const workflows: Workflow[] = [];
  for (const [group, sectionValue] of Object.entries(root)) {
    const section = asRecord(sectionValue);
    const subflows = asRecord(section?.subflows);
    if (!section || !subflows) continue;
    const description = strings(section.description).join(' ');
    for (const [name, subflowValue] of Object.entries(subflows)) {
      const subflow = asRecord(subflowValue);
      if (!subflow) continue;
      const actions = Array.isArray(subflow.actions) ? subflow.actions.map(asRecord) : [];
      const steps: string[] = [];
      const texts: string[] = [group, description, name, ...strings(subflow.instructions)];
      for (const action of actions) {
        if (!action) continue;
        const button = typeof action.button === 'string' ? slugify(action.button) : '';
        if (button && button !== 'n-a') steps.push(button);
        texts.push(...strings(action.text), ...strings(action.subtext));
      }
      workflows.push({ id: `${group}/${name}`, group, text: texts.join(' '), steps });
    }
  }
  if (workflows.length === 0) {
    throw new CuecardError(
      'data_invalid',
      `${source}: no section with "subflows" found in the guidelines`,
      {
        field: 'subflows',
      },
    );
  }
  return workflows;
}

/**
 * Maps a guideline's step name to the closest known action label ("Boots" → "search-boots",
 * "Notify Internal Team" → "notify-team"), by shared word parts; undefined when nothing shares one.
 */
export function matchStepToLabel(step: string, labels: readonly string[]): string | undefined {
  if (labels.includes(step)) return step;
  const stepParts = new Set(step.split('-'));
  let best: string | undefined;
  let bestScore = 0;
  for (const label of labels) {
    const parts = label.split('-');
    let shared = 0;
    for (const part of parts) {
      if (
        stepParts.has(part) ||
        [...stepParts].some((s) => s.length > 3 && (part.startsWith(s) || s.startsWith(part)))
      )
        shared++;
    }
    const score = shared / (stepParts.size + parts.length - shared);
    if (score > bestScore) {
      bestScore = score;
      best = label;
    }
  }
  return best;
}
