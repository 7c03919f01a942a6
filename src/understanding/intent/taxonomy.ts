import { fileURLToPath } from 'node:url';
import { CuecardError, type ErrorCode } from '../../errors/cuecard-error.js';
import { loadYamlDefinition, type DefinitionType } from '../../text/yaml-definition.js';
import type { IntentExample } from './intent-classifier.js';

/**
 * A tenant's intent taxonomy: what the intent classifier is trained from. The same shape comes
 * from a YAML file under `knowledge/intents/` and from the API (as JSON).
 */
export interface IntentDefinition {
  /** Stable machine name, e.g. `refund_request`. */
  name: string;
  description?: string | undefined;
  examples: string[];
  /**
   * How Chinese text names the intent ("取消服务"), in reasons shown on Chinese calls; English
   * text uses the name's words. Not trained on: it is left out of the model's key.
   */
  labelZh?: string | undefined;
}

export interface IntentTaxonomy {
  name: string;
  intents: IntentDefinition[];
  /** Phrases that fit no intent (small talk, off-topic); they teach "none of these". */
  outOfScope: string[];
  /** Threshold when `outOfScope` is empty; otherwise it is calibrated from the examples. */
  minConfidence?: number | undefined;
}

export const defaultTaxonomyPath = fileURLToPath(
  new URL('../../../knowledge/intents/default.yaml', import.meta.url),
);

const intentName = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/**
 * Checks an untrusted value (parsed YAML or a JSON request body) and lists every problem at
 * once, each naming the intent and field, so one round of fixes is enough. Written by hand, not
 * as a zod schema: a schema's paths say `intents.3.examples` where this says `intent "refund"`.
 * `code`: `validation_failed` for a request body, `data_invalid` for a file.
 */
export function parseTaxonomy(
  value: unknown,
  source: string,
  code: ErrorCode = 'validation_failed',
): IntentTaxonomy {
  const problems: string[] = [];
  // The field of the first problem, so a refusal names where to look (validation_failed).
  let firstField: string | undefined;
  const report = (field: string, problem: string) => {
    firstField ??= field;
    problems.push(problem);
  };
  const record = isRecord(value) ? value : undefined;
  if (!record) {
    throw new CuecardError(
      code,
      `${source}: a taxonomy must be an object with "name" and "intents".`,
      {
        field: 'intents',
      },
    );
  }
  const name =
    typeof record['name'] === 'string' && record['name'].trim() !== ''
      ? record['name'].trim()
      : undefined;
  if (!name) report('name', 'field "name" must be a non-empty string');

  const strings = (raw: unknown, where: string, field: string): string[] => {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) {
      report(field, `${where} must be a list of phrases`);
      return [];
    }
    const out: string[] = [];
    raw.forEach((item, index) => {
      if (typeof item !== 'string' && typeof item !== 'number') {
        report(`${field}.${index}`, `${where}[${index}] must be a string`);
      } else if (String(item).trim() === '') {
        report(`${field}.${index}`, `${where}[${index}] is empty`);
      } else out.push(String(item).trim());
    });
    return out;
  };

  const intents: IntentDefinition[] = [];
  const seen = new Set<string>();
  const rawIntents = record['intents'];
  if (!Array.isArray(rawIntents) || rawIntents.length === 0) {
    report('intents', 'field "intents" must be a non-empty list');
  } else {
    rawIntents.forEach((raw, index) => {
      const at = `intents.${index}`;
      if (!isRecord(raw)) {
        report(at, `intents[${index}] must be an object with "name" and "examples"`);
        return;
      }
      const label = typeof raw['name'] === 'string' ? raw['name'] : undefined;
      const where = `intent "${label ?? `#${index + 1}`}"`;
      if (!label || !intentName.test(label)) {
        report(
          `${at}.name`,
          `${where}: field "name" must be lower-case letters, digits, "_", "-" or "." (max 64)`,
        );
      } else if (seen.has(label)) {
        report(`${at}.name`, `${where}: field "name" is used twice`);
      }
      if (label) seen.add(label);
      const description = raw['description'];
      if (description !== undefined && typeof description !== 'string') {
        report(`${at}.description`, `${where}: field "description" must be a string`);
      }
      const labelField = raw['label_zh'] === undefined ? 'labelZh' : 'label_zh';
      const labelZh = raw[labelField];
      if (
        labelZh !== undefined &&
        (typeof labelZh !== 'string' || labelZh.trim() === '' || labelZh.length > 64)
      ) {
        report(
          `${at}.${labelField}`,
          `${where}: field "label_zh" must be a non-empty string of at most 64 characters`,
        );
      }
      const examples = strings(raw['examples'], `${where}: field "examples"`, `${at}.examples`);
      if (examples.length === 0 && Array.isArray(raw['examples'])) {
        report(`${at}.examples`, `${where}: field "examples" needs at least one phrase`);
      } else if (raw['examples'] === undefined) {
        report(`${at}.examples`, `${where}: field "examples" is missing`);
      }
      if (label) {
        intents.push({
          name: label,
          description: typeof description === 'string' ? description : undefined,
          examples,
          // Only when given: a taxonomy without labels keeps the exact shape it always had.
          ...(typeof labelZh === 'string' && labelZh.trim() !== ''
            ? { labelZh: labelZh.trim() }
            : {}),
        });
      }
    });
  }
  const outOfScope = strings(
    record['out_of_scope'] ?? record['outOfScope'],
    'field "out_of_scope"',
    record['out_of_scope'] === undefined ? 'outOfScope' : 'out_of_scope',
  );
  const rawMin = record['min_confidence'] ?? record['minConfidence'];
  if (rawMin !== undefined && (typeof rawMin !== 'number' || rawMin < 0 || rawMin >= 1)) {
    report(
      record['min_confidence'] === undefined ? 'minConfidence' : 'min_confidence',
      'field "min_confidence" must be a number from 0 to below 1',
    );
  }
  if (problems.length > 0 || !name) {
    throw new CuecardError(
      code,
      `${source}: invalid intent taxonomy:\n- ${problems.join('\n- ')}`,
      { field: firstField ?? 'name', details: { problems } },
    );
  }
  return {
    name,
    intents,
    outOfScope,
    minConfidence: typeof rawMin === 'number' ? rawMin : undefined,
  };
}

const taxonomyDefinition: DefinitionType<IntentTaxonomy> = {
  kind: 'intent taxonomy',
  check: parseTaxonomy,
};

/** Reads a YAML (or JSON) taxonomy file; errors name the file, the intent and the field. */
export async function loadTaxonomyFile(file: string): Promise<IntentTaxonomy> {
  return loadYamlDefinition(file, taxonomyDefinition);
}

/** The training examples of a taxonomy, out-of-scope phrases included. */
export function taxonomyExamples(taxonomy: IntentTaxonomy): IntentExample[] {
  return [
    ...taxonomy.intents.flatMap((intent) =>
      intent.examples.map((text) => ({ text, intent: intent.name })),
    ),
    ...taxonomy.outOfScope.map((text) => ({ text, intent: '', inScope: false })),
  ];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
