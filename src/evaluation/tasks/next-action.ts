import {
  groupConversations,
  predictConversation,
  trainNextActionModelOnConversations,
} from '../../assist/next-action/next-action-model.js';
import { parseGuidelineWorkflows, type Workflow } from '../../assist/next-action/workflows.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { readJson, readJsonl, requireId, requireString, writeJsonl } from '../io.js';
import type { EvalTask } from '../task.js';

interface ActionRow {
  id: string;
  context: string;
  action: string;
}

async function readActionRows(file: string): Promise<ActionRow[]> {
  const rows = await readJsonl(file);
  return rows.map((row) => ({
    id: requireId(file, row),
    context: requireString(file, row, 'context'),
    action: requireString(file, row, 'action'),
  }));
}

const RANKED_LENGTH = 10;

export const task: EvalTask = {
  name: 'next-action',
  description: 'Predict the agent action that comes next from the conversation so far (accuracy).',
  async run(args, reporter) {
    if (!args.train) {
      throw new CuecardError(
        'validation_failed',
        'next-action needs --train FILE: the model learns from labelled rows',
      );
    }
    const train = await readActionRows(args.train);
    const test = await readActionRows(args.test);
    reporter.progress(`read ${train.length} training rows, ${test.length} test rows`);
    let workflows: Workflow[] = [];
    if (args.kb) {
      workflows = parseGuidelineWorkflows(await readJson(args.kb), args.kb);
      reporter.progress(`guidelines: ${workflows.length} workflows`);
    }

    const started = Date.now();
    const model = trainNextActionModelOnConversations(groupConversations(train), { workflows });
    reporter.progress(
      `trained on ${model.actions.length} actions in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    // Test rows are predicted conversation by conversation, each step's history being the
    // model's own earlier predictions: the gold actions of other test rows are answers, never inputs.
    const out = writeJsonl(args.out);
    let done = 0;
    let correct = 0;
    let correctTop3 = 0;
    for (const conversation of groupConversations(test)) {
      const steps = predictConversation(
        model,
        conversation.map((row) => row.context),
      );
      steps.forEach((step, i) => {
        const row = conversation[i]!;
        if (step.action === row.action) correct++;
        if (step.ranked.slice(0, 3).some((entry) => entry.label === row.action)) correctTop3++;
        out.write({
          id: row.id,
          action: step.action,
          ranked: step.ranked.slice(0, RANKED_LENGTH).map((entry) => entry.label),
        });
        done++;
        if (done % 1000 === 0) reporter.progress(`predicted ${done}/${test.length}`);
      });
    }
    await out.close();
    return {
      n: test.length,
      accuracy: test.length === 0 ? 0 : correct / test.length,
      top3_accuracy: test.length === 0 ? 0 : correctTop3 / test.length,
    };
  },
};
