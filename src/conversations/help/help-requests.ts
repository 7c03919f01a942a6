import type { HelpEventBody, HelpPerson } from '../events.js';

/** One "Ask for help" request as it stands: asked, taken by whom, resolved. */
export interface HelpRequest {
  requestId: string;
  reason: string | null;
  requestedBy: HelpPerson;
  requestedAt: string;
  takenBy: HelpPerson | null;
  takenAt: string | null;
  resolvedBy: HelpPerson | null;
  resolvedAt: string | null;
}

/**
 * Folds a conversation's help events (in log order) into its requests, oldest first. The first
 * take of a request counts: the log stores one (its key is unique per request), and a reader of
 * an older log that somehow holds two still names one taker.
 */
export function helpRequestsOf(
  events: readonly { body: HelpEventBody; at: string }[],
): HelpRequest[] {
  const byId = new Map<string, HelpRequest>();
  for (const { body, at } of events) {
    switch (body.type) {
      case 'help-requested':
        if (!byId.has(body.requestId)) {
          byId.set(body.requestId, {
            requestId: body.requestId,
            reason: body.reason,
            requestedBy: body.by,
            requestedAt: at,
            takenBy: null,
            takenAt: null,
            resolvedBy: null,
            resolvedAt: null,
          });
        }
        break;
      case 'help-taken': {
        const request = byId.get(body.requestId);
        if (request && request.takenBy === null) {
          request.takenBy = body.by;
          request.takenAt = at;
        }
        break;
      }
      case 'help-resolved': {
        const request = byId.get(body.requestId);
        if (request && request.resolvedAt === null) {
          request.resolvedBy = body.by;
          request.resolvedAt = at;
        }
        break;
      }
      case 'supervisor-note':
        break;
    }
  }
  return [...byId.values()];
}
