import { localizePlaybook, type Playbook } from './playbook.js';
import { assistLanguage } from '../messages/assist-language.js';
import { assistMessages } from '../messages/assist-messages.js';
import {
  explainNextStep,
  selectPlaybook,
  trackPlaybook,
  type PlaybookSelection,
  type StepStatus,
} from './playbook-tracker.js';
import type { EventBody } from '../../conversations/events.js';
import { turnIntent } from '../../understanding/intent/intent-result.js';
import { defineAnalyzer } from '../../pipeline/analyzer.js';
import type { PlaybookStepMark } from './step-marks.js';

/**
 * Guides the agent through the playbook of the customer's request: on each utterance or agent
 * action, works out which steps are done and suggests the next one, only when it changes.
 */
export interface PlaybookAnalyzerState {
  playbookId: string;
  because: string;
  selectedAt: number | null;
  /** Next step last suggested; null once the playbook is complete. */
  suggestedStepId: string | null;
}

/** One line of the playbook checklist, as the consoles show it. */
export interface PlaybookStepLine {
  id: string;
  title: string;
  status: StepStatus;
}

export interface PlaybookResult {
  playbookId: string;
  title: string;
  nextStepId: string | null;
  nextStepTitle: string | null;
  /** A phrase the agent can use for the next step, when the playbook gives one. */
  nextStepPhrase: string | null;
  done: string[];
  /** Steps the conversation moved past (a later step is done); not asked for any more. */
  passed: string[];
  /** Steps the agent skipped in the console; not suggested any more (absent in older results). */
  skipped?: string[];
  remaining: string[];
  /** Every step that applies, in order, with its title and where it stands (for checklists). */
  steps: PlaybookStepLine[];
  /** No step left: the console can stop showing a next step. */
  complete: boolean;
}

/** An intent from the intent analyzer must be this sure to switch an already chosen playbook. */
const SWITCH_CONFIDENCE = 0.8;

function isState(value: unknown): value is PlaybookAnalyzerState {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PlaybookAnalyzerState).playbookId === 'string'
  );
}

export function createPlaybookAnalyzer(options: {
  /** A fixed list, or the tenant's current playbooks (they can change through the API). */
  playbooks: readonly Playbook[] | ((tenantId: string) => Promise<readonly Playbook[]>);
  /**
   * The agent's ticks and skips so far (their `playbook-step` events, `loadStepMarks`), read at
   * each turn: a mark made in the console counts from the next turn. Absent: none are read.
   */
  stepMarks?: (scope: { tenantId: string; conversationId: string }) => Promise<PlaybookStepMark[]>;
}) {
  return defineAnalyzer({
    name: 'playbook',
    languages: ['en', 'zh'], // playbooks' cue phrases (actions carry no language)
    reads: ['intent'],
    accepts: ['utterance', 'action'],
    async analyze(context) {
      const playbooks =
        typeof options.playbooks === 'function'
          ? await options.playbooks(context.tenantId)
          : options.playbooks;
      const byId = new Map(playbooks.map((playbook) => [playbook.id, playbook]));
      const state = isState(context.state) ? context.state : undefined;
      // The turn's intent, not the conversation's: a playbook is chosen by what the customer asks
      // for and switched only when a later turn asks for something else with high confidence.
      const intent = turnIntent(context.previous.intent);
      const language = assistLanguage(context.transcript, context.conversation.language);
      const messages = assistMessages(language);
      let selection: PlaybookSelection | undefined;
      const current = state ? byId.get(state.playbookId) : undefined;
      if (current && state) {
        selection = { playbook: current, because: state.because, seq: state.selectedAt };
        if (intent && intent.confidence >= SWITCH_CONFIDENCE) {
          const switched = selectPlaybook(playbooks, [], intent, messages);
          if (switched && switched.playbook.id !== current.id) selection = switched;
        }
      } else {
        selection = selectPlaybook(playbooks, context.transcript, intent, messages);
      }
      if (!selection) return null;
      // What the agent reads is in the call's language; ids and cues are the same in all.
      selection = { ...selection, playbook: localizePlaybook(selection.playbook, language) };

      const marks =
        (await options.stepMarks?.({
          tenantId: context.tenantId,
          conversationId: context.conversation.id,
        })) ?? [];
      const progress = trackPlaybook(selection.playbook, context.transcript, marks);
      const next = progress.next;
      const result: PlaybookResult = {
        playbookId: selection.playbook.id,
        title: selection.playbook.title,
        nextStepId: next?.id ?? null,
        nextStepTitle: next?.title ?? null,
        nextStepPhrase: next?.suggested_phrase ?? null,
        done: progress.done.map((entry) => entry.step.id),
        passed: progress.passed.map((step) => step.id),
        skipped: progress.skipped.map((step) => step.id),
        remaining: progress.remaining.map((step) => step.id),
        steps: progress.steps.map(({ step, status }) => ({
          id: step.id,
          title: step.title,
          status,
        })),
        complete: next === undefined,
      };
      const events: EventBody[] = [];
      const changed =
        state?.playbookId !== selection.playbook.id || state.suggestedStepId !== (next?.id ?? null);
      if (next && changed) {
        events.push({
          type: 'suggestion',
          seq: context.item.seq,
          suggestion: {
            kind: 'next-step',
            suggestionId: `${context.conversation.id}:playbook:${selection.playbook.id}:${next.id}`,
            playbookId: selection.playbook.id,
            stepId: next.id,
            title: next.title,
            reason: explainNextStep(next, selection, messages),
            done: result.done,
            remaining: result.remaining,
          },
        });
      }
      const nextState: PlaybookAnalyzerState = {
        playbookId: selection.playbook.id,
        because: selection.because,
        selectedAt: selection.seq,
        suggestedStepId: next?.id ?? null,
      };
      return { result, events, state: nextState };
    },
  });
}
