import { parseArgs } from 'node:util';
import { CuecardError } from '../errors/cuecard-error.js';
import { evalTaskNames, isEvalTaskName, loadEvalTask } from '../evaluation/tasks/index.js';

const usage = `Usage: npm run eval -- <task> --test FILE [--train FILE] [--kb FILE] --out PREDICTIONS.jsonl
Tasks: ${evalTaskNames.join(', ')}`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      test: { type: 'string' },
      train: { type: 'string' },
      kb: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const taskName = positionals[0];
  if (!taskName || !isEvalTaskName(taskName)) {
    throw new CuecardError(
      'validation_failed',
      `${taskName ? `Unknown task "${taskName}"` : 'No task given'}.\n${usage}`,
    );
  }
  if (!values.test)
    throw new CuecardError('validation_failed', `--test FILE is required.\n${usage}`);
  if (!values.out) throw new CuecardError('validation_failed', `--out FILE is required.\n${usage}`);
  const task = await loadEvalTask(taskName);
  const started = Date.now();
  const metrics = await task.run(
    { test: values.test, train: values.train, kb: values.kb, out: values.out },
    { progress: (message) => process.stderr.write(`[${task.name}] ${message}\n`) },
  );
  process.stderr.write(`[${task.name}] done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  // The contract: metrics as one JSON object on the last line of stdout.
  process.stdout.write(`${JSON.stringify({ task: task.name, ...metrics })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`eval failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(CuecardError.isInstance(error) && error.code === 'data_invalid' ? 2 : 1);
});
