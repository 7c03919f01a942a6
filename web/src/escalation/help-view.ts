import type { ConversationsState, ConversationState } from '../live/conversation-state.js';
import type { CuecardEvent, HelpPerson, HelpRequest } from '../live/types.js';

type HelpEvent = Extract<
  CuecardEvent,
  { type: 'help-requested' | 'help-taken' | 'help-resolved' | 'supervisor-note' }
>;

export interface NoteView {
  noteId: string;
  text: string;
  by: HelpPerson;
  at: string;
}

/**
 * A conversation's help requests from its events (in log order), oldest first: as the service
 * folds them (src/conversations/help/help-requests.ts), the first take of a request counts.
 */
export function helpRequests(events: readonly CuecardEvent[]): HelpRequest[] {
  const byId = new Map<string, HelpRequest>();
  for (const event of events) {
    if (event.type === 'help-requested' && !byId.has(event.requestId)) {
      byId.set(event.requestId, {
        requestId: event.requestId,
        reason: event.reason,
        requestedBy: event.by,
        requestedAt: event.at,
        takenBy: null,
        takenAt: null,
        resolvedBy: null,
        resolvedAt: null,
      });
    } else if (event.type === 'help-taken') {
      const request = byId.get(event.requestId);
      if (request && !request.takenBy)
        byId.set(event.requestId, { ...request, takenBy: event.by, takenAt: event.at });
    } else if (event.type === 'help-resolved') {
      const request = byId.get(event.requestId);
      if (request && !request.resolvedAt)
        byId.set(event.requestId, { ...request, resolvedBy: event.by, resolvedAt: event.at });
    }
  }
  return [...byId.values()];
}

/** The supervisors' private notes to the agent, oldest first. */
export function supervisorNotes(events: readonly CuecardEvent[]): NoteView[] {
  return events.flatMap((event) =>
    event.type === 'supervisor-note'
      ? [{ noteId: event.noteId, text: event.text, by: event.by, at: event.at }]
      : [],
  );
}

/** The request still being asked or worked on, if any (the agent asks one at a time). */
export function currentRequest(events: readonly CuecardEvent[]): HelpRequest | null {
  return helpRequests(events).findLast((request) => request.resolvedAt === null) ?? null;
}

export interface WaitingRequest {
  state: ConversationState;
  request: HelpRequest;
}

/** Requests nobody has taken yet on live conversations, oldest first: the supervisors' queue. */
export function waitingRequests(conversations: ConversationsState): WaitingRequest[] {
  return Object.values(conversations)
    .filter((state) => state.record?.status === 'active')
    .flatMap((state) =>
      helpRequests(state.events)
        .filter((request) => request.takenBy === null && request.resolvedAt === null)
        .map((request) => ({ state, request })),
    )
    .sort((a, b) => Date.parse(a.request.requestedAt) - Date.parse(b.request.requestedAt));
}

/** One line of the conversation's event log. */
export function describeHelpEvent(event: HelpEvent): string {
  switch (event.type) {
    case 'help-requested':
      return `${event.by.name} asked for help${event.reason ? `: ${event.reason}` : ''}`;
    case 'help-taken':
      return `${event.by.name} took the help request`;
    case 'help-resolved':
      return `Help request closed by ${event.by.name}`;
    case 'supervisor-note':
      return `Private note from ${event.by.name}: ${event.text}`;
  }
}
