import { apiFetch } from '../api.js';
import type {
  AgentWrapup,
  DispositionConfirmed,
  FollowUpTask,
  PlaybookStepMark,
  SummaryEdit,
} from './types.js';

const conversationPath = (conversationId: string, rest: string) =>
  `/api/conversations/${encodeURIComponent(conversationId)}/${rest}`;

/** What the agent saved of the wrap-up (summary, code, follow-up decisions, step marks). */
export function getAgentWrapup(key: string, conversationId: string): Promise<AgentWrapup> {
  return apiFetch<AgentWrapup>(key, conversationPath(conversationId, 'wrap-up'));
}

export async function saveSummary(
  key: string,
  conversationId: string,
  text: string,
): Promise<SummaryEdit> {
  const saved = await apiFetch<{ agentEdit: SummaryEdit }>(
    key,
    conversationPath(conversationId, 'summary'),
    { method: 'PUT', body: JSON.stringify({ text }) },
  );
  return saved.agentEdit;
}

export function confirmCode(
  key: string,
  conversationId: string,
  code: string,
): Promise<DispositionConfirmed> {
  return apiFetch<DispositionConfirmed>(key, conversationPath(conversationId, 'disposition'), {
    method: 'POST',
    body: JSON.stringify({ code }),
  });
}

/** The agent's decision on a follow-up; a change carries the new text and due time. */
export type FollowUpChange =
  | { decision: 'accepted' | 'dismissed' }
  | { decision: 'changed'; draftMessage: string; dueAt: string | null };

export function decideFollowUp(
  key: string,
  id: number,
  change: FollowUpChange,
): Promise<FollowUpTask> {
  return apiFetch<FollowUpTask>(key, `/api/follow-ups/${id}`, {
    method: 'PATCH',
    body: JSON.stringify(change),
  });
}

export async function markStep(
  key: string,
  conversationId: string,
  stepId: string,
  outcome: PlaybookStepMark['outcome'],
): Promise<PlaybookStepMark> {
  const marked = await apiFetch<{ mark: PlaybookStepMark }>(
    key,
    conversationPath(conversationId, 'playbook-steps'),
    { method: 'POST', body: JSON.stringify({ stepId, outcome }) },
  );
  return marked.mark;
}
