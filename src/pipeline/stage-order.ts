import { CuecardError } from '../errors/cuecard-error.js';

interface Stage {
  readonly name: string;
  readonly reads: readonly string[];
}

/**
 * Orders stages so that each runs after every stage it reads, keeping the listed order
 * otherwise (the composition root's order is a scheduling choice: light analyzers before heavy
 * ones). Reading a stage that is not listed is allowed (it is optional: a deployment may leave
 * it out); a cycle or a duplicate name is a wiring mistake and fails at start.
 */
export function orderStages<S extends Stage>(
  stages: readonly S[],
  what: string,
  /** Stages a stage runs after without reading their results (the language gate's input). */
  runsAfter: (stage: S) => readonly string[] = () => [],
): S[] {
  const byName = new Map<string, S>();
  for (const stage of stages) {
    if (byName.has(stage.name))
      throw new CuecardError('pipeline_invalid', `${what} '${stage.name}' is listed twice`);
    byName.set(stage.name, stage);
  }
  const ordered: S[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (stage: S, path: readonly string[]) => {
    if (placed.has(stage.name)) return;
    if (visiting.has(stage.name))
      throw new CuecardError(
        'pipeline_invalid',
        `${what}s read each other in a cycle: ${[...path, stage.name].join(' → ')}`,
      );
    visiting.add(stage.name);
    for (const read of [...stage.reads, ...runsAfter(stage)]) {
      const dependency = byName.get(read);
      if (dependency) place(dependency, [...path, stage.name]);
    }
    visiting.delete(stage.name);
    placed.add(stage.name);
    ordered.push(stage);
  };
  for (const stage of stages) place(stage, []);
  return ordered;
}

/** Only the declared reads: a stage cannot lean on a result it did not declare. */
export function declaredResults(
  all: Readonly<Record<string, unknown>>,
  reads: readonly string[],
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of reads) if (all[name] !== undefined) picked[name] = all[name];
  return picked;
}
