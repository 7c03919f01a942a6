import type { EvalTask } from '../task.js';

/**
 * The eval tasks of the contract. Each lives in `./<name>.ts` and exports `task`; loaded lazily
 * so that one task's models do not load for another.
 */
export const evalTaskNames = [
  'intent',
  'sentiment',
  'retrieval',
  'next-action',
  'summary',
  'disposition',
  'churn',
] as const;

export type EvalTaskName = (typeof evalTaskNames)[number];

export function isEvalTaskName(name: string): name is EvalTaskName {
  return (evalTaskNames as readonly string[]).includes(name);
}

export async function loadEvalTask(name: EvalTaskName): Promise<EvalTask> {
  const module = (await import(`./${name}.js`)) as { task: EvalTask };
  return module.task;
}
