import { randomUUID } from 'node:crypto';
import type { Database } from '../../stores/database.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import type { EventLog } from '../event-log.js';
import type { HelpEventBody, HelpPerson } from '../events.js';
import type { ConversationRecord } from '../types.js';
import { helpRequestsOf, type HelpRequest } from './help-requests.js';

/** The events a help request is made of, as stored in the conversation's log. */
const HELP_TYPES = ['help-requested', 'help-taken', 'help-resolved'] as const;

// Keys of the events that happen once per request: the log's unique (conversation, key) index
// makes the first writer win on every instance at once, with no lock of our own.
const takenKey = (requestId: string) => `help-taken:${requestId}`;
const resolvedKey = (requestId: string) => `help-resolved:${requestId}`;

export interface HelpDeskDeps {
  db: Database;
  eventLog: Pick<EventLog, 'append'>;
  /** Personal data out of free text before it is stored (the tenant's redaction setting). */
  redact: (tenantId: string, text: string) => Promise<string>;
}

type Scope = Pick<ConversationRecord, 'tenantId' | 'id' | 'agentId'>;

/**
 * "Ask for help": requests, who took them, and supervisors' private notes, all written to the
 * conversation's event log (so they reach every subscriber on every instance and stay on its
 * record). The callers (routes) check who may do what; this checks what state allows.
 */
export function createHelpDesk({ db, eventLog, redact }: HelpDeskDeps) {
  const scopeOf = (conversation: Scope) => ({
    tenantId: conversation.tenantId,
    conversationId: conversation.id,
    agentId: conversation.agentId,
  });

  async function requests(conversation: Scope): Promise<HelpRequest[]> {
    const { rows } = await db.query<{ payload: HelpEventBody; created_at: Date | string }>(
      `SELECT payload, created_at FROM events
        WHERE tenant_id = $1 AND conversation_id = $2 AND type = ANY($3::text[])
        ORDER BY id`,
      [conversation.tenantId, conversation.id, [...HELP_TYPES]],
    );
    return helpRequestsOf(
      rows.map((row) => ({ body: row.payload, at: new Date(row.created_at).toISOString() })),
    );
  }

  async function requestById(conversation: Scope, requestId: string): Promise<HelpRequest> {
    const request = (await requests(conversation)).find((entry) => entry.requestId === requestId);
    if (!request) {
      throw new CuecardError('not_found', `No help request "${requestId}" on this conversation.`, {
        field: 'requestId',
      });
    }
    return request;
  }

  function assertActive(conversation: ConversationRecord, what: string): void {
    if (conversation.status !== 'active') {
      throw new CuecardError('conversation_ended', `The conversation has ended: ${what}.`);
    }
  }

  const cleanText = async (tenantId: string, text: string) => redact(tenantId, text.trim());

  return {
    requests,

    /**
     * Opens a help request, or answers the one still open: a second click while supervisors
     * are being asked must not ring every supervisor's bell again.
     */
    async request(
      conversation: ConversationRecord,
      by: HelpPerson,
      reason: string | null,
    ): Promise<{ request: HelpRequest; created: boolean }> {
      assertActive(conversation, 'no help can be requested for it');
      const open = (await requests(conversation)).find((entry) => entry.resolvedAt === null);
      if (open) return { request: open, created: false };
      const requestId = `h_${randomUUID()}`;
      const stored = reason?.trim() ? await cleanText(conversation.tenantId, reason) : null;
      await eventLog.append(scopeOf(conversation), [
        { type: 'help-requested', requestId, reason: stored, by },
      ]);
      return { request: await requestById(conversation, requestId), created: true };
    },

    /** Exactly one supervisor takes a request; the others learn who did (409). */
    async take(
      conversation: ConversationRecord,
      requestId: string,
      by: HelpPerson,
    ): Promise<HelpRequest> {
      const before = await requestById(conversation, requestId);
      if (before.resolvedAt !== null) {
        throw new CuecardError('conflict', 'This help request is already resolved.', {
          field: 'requestId',
        });
      }
      if (before.takenBy === null) {
        assertActive(conversation, 'its help request can no longer be taken');
        await eventLog.append(
          scopeOf(conversation),
          [{ type: 'help-taken', requestId, by }],
          [takenKey(requestId)],
        );
      }
      const after = await requestById(conversation, requestId);
      if (after.takenBy?.keyId !== by.keyId) {
        const name = after.takenBy?.name ?? 'another supervisor';
        throw new CuecardError('conflict', `${name} has already taken this help request.`, {
          field: 'requestId',
          details: { takenBy: name },
        });
      }
      return after;
    },

    /** Closes a request (the agent or a supervisor): the next click asks anew. */
    async resolve(
      conversation: ConversationRecord,
      requestId: string,
      by: HelpPerson,
    ): Promise<HelpRequest> {
      const before = await requestById(conversation, requestId);
      if (before.resolvedAt === null) {
        await eventLog.append(
          scopeOf(conversation),
          [{ type: 'help-resolved', requestId, by }],
          [resolvedKey(requestId)],
        );
      }
      return requestById(conversation, requestId);
    },

    /** A private note to the agent, tied to the request its writer took, if any. */
    async note(
      conversation: ConversationRecord,
      text: string,
      by: HelpPerson,
    ): Promise<Extract<HelpEventBody, { type: 'supervisor-note' }>> {
      assertActive(conversation, 'the agent can no longer read notes on it');
      const taken = (await requests(conversation))
        .filter((entry) => entry.takenBy?.keyId === by.keyId && entry.resolvedAt === null)
        .at(-1);
      const body = {
        type: 'supervisor-note' as const,
        noteId: `n_${randomUUID()}`,
        requestId: taken?.requestId ?? null,
        text: await cleanText(conversation.tenantId, text),
        by,
      };
      await eventLog.append(scopeOf(conversation), [body]);
      return body;
    },
  };
}

export type HelpDesk = ReturnType<typeof createHelpDesk>;
