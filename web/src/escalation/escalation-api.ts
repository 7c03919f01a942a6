import { apiFetch } from '../api.js';
import type { HelpRequest } from '../live/types.js';

const base = (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}`;

/** Asks every supervisor watching for help; answers the request still open if there is one. */
export function askForHelp(key: string, conversationId: string, reason?: string) {
  return apiFetch<{ request: HelpRequest; created: boolean }>(key, `${base(conversationId)}/help`, {
    method: 'POST',
    body: JSON.stringify(reason ? { reason } : {}),
  });
}

/** Takes a request; another supervisor's earlier take is an ApiError 409 naming them. */
export function takeHelp(key: string, conversationId: string, requestId: string) {
  return apiFetch<{ request: HelpRequest }>(
    key,
    `${base(conversationId)}/help/${encodeURIComponent(requestId)}/take`,
    { method: 'POST' },
  );
}

export function resolveHelp(key: string, conversationId: string, requestId: string) {
  return apiFetch<{ request: HelpRequest }>(
    key,
    `${base(conversationId)}/help/${encodeURIComponent(requestId)}/resolve`,
    { method: 'POST' },
  );
}

/** A private note to the conversation's agent. */
export function sendNote(key: string, conversationId: string, text: string) {
  return apiFetch<{ note: { noteId: string } }>(key, `${base(conversationId)}/notes`, {
    method: 'POST',
    body: JSON.stringify({ text }),
  });
}
