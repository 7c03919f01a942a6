import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { CuecardError, type ErrorCode } from '../errors/cuecard-error.js';

/**
 * The one loader of what people author as YAML: playbooks, scorecards, disposition codes, intent
 * taxonomies, article front matter. Every error names the source (a file path) and, for a bad
 * value, every field at fault with its path, so that one round of fixes is enough.
 */

/** A kind of definition: what it is called in messages, and how a parsed value is checked. */
export interface DefinitionType<T> {
  /** For messages: "playbook", "disposition code set". */
  readonly kind: string;
  /**
   * Returns the definition, or throws a CuecardError with `code` naming `source` and the fields
   * at fault. Files use `data_invalid`; the same check on an API body uses `validation_failed`.
   */
  check(value: unknown, source: string, code: ErrorCode): T;
}

/** A definition checked by a zod schema (refinements included), every issue with its path. */
export function schemaDefinition<Schema extends z.ZodType>(
  kind: string,
  schema: Schema,
): DefinitionType<z.output<Schema>> {
  return {
    kind,
    check(value, source, code) {
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      );
      throw new CuecardError(code, `${source}: invalid ${kind}:\n  - ${problems.join('\n  - ')}`, {
        field: parsed.error.issues[0]?.path.join('.') || undefined,
        details: { source, problems },
      });
    },
  };
}

/** Parses YAML text and checks it; `source` names where the text came from in every error. */
export function parseYamlDefinition<T>(
  text: string,
  source: string,
  definition: DefinitionType<T>,
): T {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new CuecardError(
      'data_invalid',
      `${source}: not valid YAML (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  return definition.check(value, source, 'data_invalid');
}

/** Reads a YAML file (JSON is YAML too) and checks it; errors name the file. */
export async function loadYamlDefinition<T>(
  file: string,
  definition: DefinitionType<T>,
): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CuecardError('not_found', `${file}: cannot read the ${definition.kind} file.`, {
      cause: error,
    });
  }
  return parseYamlDefinition(text, file, definition);
}
