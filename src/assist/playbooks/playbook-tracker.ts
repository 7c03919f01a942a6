import type { ConversationItem } from '../../conversations/types.js';
import { findPhrase, matchPhrase } from '../phrases.js';
import type { Playbook, PlaybookStep } from './playbook.js';
import type { PlaybookStepMark } from './step-marks.js';
import {
  assistMessages,
  type AssistMessages,
  type IntentName,
} from '../messages/assist-messages.js';

/**
 * Where a conversation stands in a playbook, recomputed from the transcript each time (so it
 * is always consistent with what was said and done, whatever arrived late or was replayed).
 */
export interface PlaybookSelection {
  playbook: Playbook;
  /** Human words for why this playbook applies. */
  because: string;
  /** Sequence number of the item that selected it, when one did. */
  seq: number | null;
}

export interface StepProgress {
  step: PlaybookStep;
  /** The item that completed the step. */
  doneAt: number | null;
}

/** `skipped`: the agent said in the console the step does not apply to this call. */
export type StepStatus = 'done' | 'passed' | 'skipped' | 'remaining';

export interface PlaybookProgress {
  playbook: Playbook;
  done: StepProgress[];
  /**
   * Steps the conversation moved past without a sign they were done: a later step is done, so
   * asking for them now would send the agent backwards.
   */
  passed: PlaybookStep[];
  /** Steps the agent skipped in the console. */
  skipped: PlaybookStep[];
  /** Steps that apply and are neither done, passed nor skipped, in playbook order. */
  remaining: PlaybookStep[];
  next: PlaybookStep | undefined;
  /** Every step that applies, in playbook order, with where it stands. */
  steps: { step: PlaybookStep; status: StepStatus }[];
}

/**
 * Picks the playbook for a conversation: the one serving the detected intent, else the one
 * whose customer words appear earliest in the customer's turns.
 */
export function selectPlaybook(
  playbooks: readonly Playbook[],
  transcript: readonly ConversationItem[],
  intent?: IntentName,
  messages: AssistMessages = assistMessages('en'),
): PlaybookSelection | undefined {
  if (intent) {
    const playbook = playbooks.find((candidate) => candidate.intents.includes(intent.intent));
    if (playbook) return { playbook, because: messages.playbook.byIntent(intent), seq: null };
  }
  for (const item of transcript) {
    if (item.kind !== 'utterance' || item.speaker !== 'customer') continue;
    for (const playbook of playbooks) {
      // Quoted as the customer said it, not as the (maybe pattern) phrase.
      const said = matchPhrase(item.text, playbook.customer_says)?.matched;
      if (said) return { playbook, because: messages.playbook.byWords(said), seq: item.seq };
    }
  }
  return undefined;
}

function completes(step: PlaybookStep, item: ConversationItem): boolean {
  if (item.kind === 'action') return step.done_when.actions.includes(item.action);
  return item.speaker === 'agent' && findPhrase(item.text, step.done_when.agent_says) !== undefined;
}

function applies(step: PlaybookStep, transcript: readonly ConversationItem[]): boolean {
  const condition = step.only_if_customer_says;
  if (!condition) return true;
  return transcript.some(
    (item) =>
      item.kind === 'utterance' &&
      item.speaker === 'customer' &&
      findPhrase(item.text, condition) !== undefined,
  );
}

/**
 * Which steps are done, passed and left. Steps are recognised from phrases and actions, and an
 * agent often does a step in words no list foresaw ("I see two charges on the 3rd" identifies the
 * charge). So once a later step is done, the earlier open ones count as passed rather than
 * pending, and the next step moves forward with the conversation instead of pointing back at
 * the start. Verification is the exception: it stays pending until it is seen, since skipping it
 * before account changes is what QA and compliance look for.
 */
export function trackPlaybook(
  playbook: Playbook,
  transcript: readonly ConversationItem[],
  /** The agent's own ticks and skips (console), which stand over what was heard. */
  marks: readonly Pick<PlaybookStepMark, 'stepId' | 'outcome' | 'playbookId'>[] = [],
): PlaybookProgress {
  const marked = new Map(
    marks.filter((mark) => mark.playbookId === playbook.id).map((mark) => [mark.stepId, mark]),
  );
  const applying = playbook.steps
    .map((step) => ({
      step,
      completing: transcript.find((item) => completes(step, item)),
      mark: marked.get(step.id)?.outcome,
    }))
    .filter(
      ({ step, completing, mark }) =>
        completing !== undefined || mark !== undefined || applies(step, transcript),
    );
  let furthestDone = -1;
  applying.forEach(({ completing, mark }, index) => {
    if (completing || mark) furthestDone = index;
  });
  const done: StepProgress[] = [];
  const passed: PlaybookStep[] = [];
  const skipped: PlaybookStep[] = [];
  const remaining: PlaybookStep[] = [];
  const steps = applying.map(({ step, completing, mark }, index) => {
    let status: StepStatus;
    if (completing || mark === 'done') {
      done.push({ step, doneAt: completing?.seq ?? null });
      status = 'done';
    } else if (mark === 'skipped') {
      skipped.push(step);
      status = 'skipped';
    } else if (index < furthestDone && step.kind !== 'verify') {
      passed.push(step);
      status = 'passed';
    } else {
      remaining.push(step);
      status = 'remaining';
    }
    return { step, status };
  });
  return { playbook, done, passed, skipped, remaining, next: remaining[0], steps };
}

/**
 * "Verify the customer's identity: not verified yet. Account changes need ... (Refund request: the
 * customer mentioned "refund".)", in the catalogue's language; step and playbook as localised.
 */
export function explainNextStep(
  step: PlaybookStep,
  selection: PlaybookSelection,
  messages: AssistMessages = assistMessages('en'),
): string {
  return messages.playbook.explain(step, selection.playbook.title, selection.because);
}
