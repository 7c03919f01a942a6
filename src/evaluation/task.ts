/** One `npm run eval -- <task>` task (contract: shared EVALUATION.md). */
export interface EvalArgs {
  test: string;
  train: string | undefined;
  kb: string | undefined;
  out: string;
}

export interface EvalReporter {
  /** Progress for humans, on stderr. */
  progress(message: string): void;
}

export interface EvalTask {
  readonly name: string;
  readonly description: string;
  /** Writes predictions to `args.out` (id first) and returns the metrics object. */
  run(args: EvalArgs, reporter: EvalReporter): Promise<Record<string, unknown>>;
}
