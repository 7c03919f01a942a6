import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Versioned prompts live as files in `prompts/` (`<name>.v<N>.md`), so a changed prompt is a
 * new file and every stored LLM result can say which version produced it. Slots are `{{name}}`.
 */
const templates = new Map<string, Promise<string>>();

/** The text of `prompts/<version>.md`, read once per process. */
export function loadPrompt(version: string): Promise<string> {
  let template = templates.get(version);
  if (!template) {
    template = readFile(
      fileURLToPath(new URL(`../../prompts/${version}.md`, import.meta.url)),
      'utf8',
    );
    // A failed read is not cached: the next call tries again.
    template.catch(() => templates.delete(version));
    templates.set(version, template);
  }
  return template;
}

/**
 * Fills `{{name}}` slots in one pass, so text inserted for one slot (a customer's words) is never
 * read as another slot, and `$` sequences in it are kept as they are. Unknown slots stay.
 */
export function fillSlots(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

export async function renderPrompt(
  version: string,
  values: Readonly<Record<string, string>>,
): Promise<string> {
  return fillSlots(await loadPrompt(version), values);
}
