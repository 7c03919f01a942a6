import type { Principal } from '../tenancy/roles.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { errorSummary } from '../errors/error-summary.js';
import type { EventLog } from './event-log.js';
import { conversationEndKey, conversationStartKey, itemFinalKey } from './events.js';
import {
  contentHash,
  type ConversationStore,
  type NewItem,
  type OpenConversationInput,
} from './conversation-store.js';
import type { UtteranceTail } from '../understanding/pii/redact.js';
import {
  createOpenRedactor,
  defaultOpenRedactionPolicy,
  type OpenRedactor,
} from './open-redaction.js';
import type { Channel, ConversationItem, ConversationRecord, Speaker } from './types.js';

/**
 * How the same speaker's previous final utterance ended, for the redactor to recognise a number
 * continued in this one ("my card is 4111 1111" | "1111 1111"): it reads `previous` and writes
 * `next`, this utterance's tail, which the ingest service remembers once the utterance is stored.
 */
export interface RedactContinuation {
  readonly previous: UtteranceTail | null;
  next?: UtteranceTail;
}

/** Redacts personal data from a text per the tenant's settings; runs before anything is stored. */
export type Redact = (
  tenantId: string,
  text: string,
  continuation?: RedactContinuation,
) => Promise<string> | string;

/** Conversations whose speakers' utterance tails are remembered, least recently used forgotten. */
const maxRememberedConversations = 10_000;

/** Nesting past which action data is flattened to text before redaction. */
const maxActionDataDepth = 8;

/**
 * Redacts every string inside an action's data: connectors put what the agent typed there
 * (`{ ssn: '078-05-5141' }`), and the summary and events copy it. Each value is read after its
 * key, so the key gives the context a bare number lacks ("ssn 078055141"); anything nested
 * deeper than `maxActionDataDepth` is redacted as its JSON text.
 */
async function redactActionData(
  redact: (text: string) => Promise<string> | string,
  value: unknown,
  key: string | null,
  depth: number,
): Promise<unknown> {
  if (typeof value === 'string') {
    if (key === null) return redact(value);
    const prefix = `${key} `;
    const withKey = await redact(prefix + value);
    // The key itself is not personal data; should redaction have touched it, redact the value alone.
    return withKey.startsWith(prefix) ? withKey.slice(prefix.length) : redact(value);
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxActionDataDepth) return redact(JSON.stringify(value));
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) items.push(await redactActionData(redact, item, key, depth + 1));
    return items;
  }
  const entries: Array<[string, unknown]> = [];
  for (const [name, item] of Object.entries(value)) {
    entries.push([name, await redactActionData(redact, item, name, depth + 1)]);
  }
  return Object.fromEntries(entries);
}

/**
 * What the live pipeline must offer the ingest side (kept narrow so ingest does not know it).
 * The work itself is already scheduled, durably, by the statement that stored the item or ended
 * the conversation; these only tell this process's runner to start on it now.
 */
export interface ItemSink {
  stored(conversation: ConversationRecord, item: ConversationItem): void;
  ended(conversation: ConversationRecord): void;
}

/**
 * The ingest side of a conversation: open/resume, durable items with dense sequence numbers,
 * previews, and the end. Errors are CuecardErrors naming the field at fault.
 */
export function createIngestService(deps: {
  conversations: ConversationStore;
  eventLog: EventLog;
  sink: ItemSink;
  redact: Redact;
  /** Personal data in `open` fields; default: free-form values through `redact`, ids kept. */
  redactOpen?: OpenRedactor;
  logger: { error(details: Record<string, unknown>, message: string): void };
}) {
  const { conversations, eventLog, sink, redact, logger } = deps;
  const redactOpen =
    deps.redactOpen ??
    createOpenRedactor((tenantId) => ({
      policy: defaultOpenRedactionPolicy,
      pseudonymKey: tenantId,
      redactText: (text) => redact(tenantId, text),
    }));

  /**
   * Per conversation (tenant and external id) and speaker, how the last stored final utterance
   * ended: raw trailing digits, which are never stored, so only this process can join them to the
   * next utterance. Memory only and bounded (least recently used conversations are forgotten); a
   * restart forgets it too, and then a number split across the restart keeps its second half,
   * which is acceptable for a rare case. Stored items are never rewritten: a first half is
   * redacted only if it looked like personal data on its own.
   */
  const tails = new Map<string, Partial<Record<Speaker, UtteranceTail>>>();
  const tailKey = (tenantId: string, externalId: string) => `${tenantId}\u0000${externalId}`;
  function previousTail(key: string, speaker: Speaker): UtteranceTail | null {
    const speakers = tails.get(key);
    if (!speakers) return null;
    tails.delete(key);
    tails.set(key, speakers);
    return speakers[speaker] ?? null;
  }
  function rememberTail(key: string, speaker: Speaker, tail: UtteranceTail | undefined): void {
    const speakers = tails.get(key) ?? {};
    if (tail) speakers[speaker] = tail;
    else delete speakers[speaker];
    tails.delete(key);
    tails.set(key, speakers);
    if (tails.size > maxRememberedConversations) {
      const oldest = tails.keys().next();
      if (!oldest.done) tails.delete(oldest.value);
    }
  }

  async function resolve(principal: Principal, externalId: string): Promise<ConversationRecord> {
    const conversation = await conversations.findByExternalId(principal.tenantId, externalId);
    if (!conversation) {
      throw new CuecardError(
        'not_found',
        `Unknown conversation "${externalId}": send {"type":"open"} for it first.`,
        { field: 'conversationId' },
      );
    }
    return conversation;
  }

  function scope(conversation: ConversationRecord) {
    return {
      tenantId: conversation.tenantId,
      conversationId: conversation.id,
      agentId: conversation.agentId,
    };
  }

  async function append(principal: Principal, externalId: string, item: NewItem, hash: string) {
    const conversation = await resolve(principal, externalId);
    const outcome = await conversations.append(principal.tenantId, conversation.id, item, hash);
    switch (outcome.status) {
      case 'stored':
        // Acknowledge-worthy now: the item and its analysis are committed together. Publication
        // follows without blocking the ack; the event log writes in call order, so item-final
        // precedes the item's analysis. Should this process die first, the analysis writes
        // item-final itself (same key).
        eventLog
          .append(
            scope(outcome.conversation),
            [{ type: 'item-final', item: outcome.item }],
            [itemFinalKey(item.seq)],
          )
          .catch((error: unknown) =>
            // The analysis writes it again; logged by ids only.
            logger.error(
              { conversationId: conversation.id, seq: item.seq, err: errorSummary(error) },
              'item-final event not stored',
            ),
          );
        sink.stored(outcome.conversation, outcome.item);
        return {
          status: 'stored' as const,
          conversationId: externalId,
          id: conversation.id,
          seq: item.seq,
          lastSeq: item.seq,
        };
      case 'duplicate':
        return {
          status: 'duplicate' as const,
          conversationId: externalId,
          id: conversation.id,
          seq: item.seq,
          lastSeq: outcome.lastSeq,
        };
      case 'conflict':
        throw new CuecardError(
          'sequence_conflict',
          `seq ${item.seq} was already stored with different content; the next new item must have seq ${outcome.lastSeq + 1}.`,
          { field: 'seq', details: { lastSeq: outcome.lastSeq } },
        );
      case 'gap':
        throw new CuecardError(
          'sequence_gap',
          `seq ${item.seq} is out of order: expected ${outcome.expected}. Resend the missing items first.`,
          {
            field: 'seq',
            retryable: true,
            details: { expected: outcome.expected, lastSeq: outcome.expected - 1 },
          },
        );
      case 'ended':
        throw new CuecardError(
          'conversation_ended',
          `Conversation "${externalId}" has ended; open a new one.`,
          {
            field: 'conversationId',
          },
        );
    }
  }

  return {
    async open(principal: Principal, input: Omit<OpenConversationInput, 'tenantId'>) {
      // Before anything is stored or broadcast (conversation-start carries these fields).
      const personal = await redactOpen.redact(principal.tenantId, {
        customerId: input.customerId,
        customerAttributes: input.customerAttributes,
        metadata: input.metadata,
      });
      const { conversation, created } = await conversations.open({
        ...input,
        ...personal,
        tenantId: principal.tenantId,
      });
      if (created) {
        // Keyed: should this process die before writing it, the first analysis (or the wrap-up)
        // writes it with the same key.
        await eventLog.append(
          scope(conversation),
          [{ type: 'conversation-start', conversation }],
          [conversationStartKey],
        );
      }
      return { conversation, created };
    },

    async utterance(
      principal: Principal,
      input: {
        conversationId: string;
        seq: number;
        speaker: Speaker;
        text: string;
        final: boolean;
        startMs?: number | undefined;
        endMs?: number | undefined;
        language?: string | undefined;
      },
    ) {
      if (!input.final) {
        // Interim text may be revised; it is previewed to subscribers and never stored.
        const conversation = await resolve(principal, input.conversationId);
        const key = tailKey(principal.tenantId, input.conversationId);
        const text = await redact(principal.tenantId, input.text, {
          previous: previousTail(key, input.speaker),
        });
        await eventLog.append(scope(conversation), [
          { type: 'utterance-interim', seq: input.seq, speaker: input.speaker, text },
        ]);
        return { status: 'preview' as const, conversationId: input.conversationId, seq: input.seq };
      }
      // The hash is of what was sent, so a resend is recognised whatever redaction did.
      const hash = contentHash(['utterance', input.speaker, input.text]);
      const key = tailKey(principal.tenantId, input.conversationId);
      const continuation: RedactContinuation = { previous: previousTail(key, input.speaker) };
      const text = await redact(principal.tenantId, input.text, continuation);
      const outcome = await append(
        principal,
        input.conversationId,
        {
          kind: 'utterance',
          seq: input.seq,
          speaker: input.speaker,
          text,
          startMs: input.startMs,
          endMs: input.endMs,
          language: input.language,
        },
        hash,
      );
      // Only a newly stored utterance moves the tail: a resend was redacted against a later one.
      if (outcome.status === 'stored') rememberTail(key, input.speaker, continuation.next);
      return outcome;
    },

    async action(
      principal: Principal,
      input: {
        conversationId: string;
        seq: number;
        action: string;
        data?: Record<string, unknown> | undefined;
      },
    ) {
      // The hash is of what was sent, so a resend is recognised whatever redaction did.
      const hash = contentHash(['action', input.action, input.data ?? {}]);
      const data = input.data
        ? ((await redactActionData(
            (text) => redact(principal.tenantId, text),
            input.data,
            null,
            0,
          )) as Record<string, unknown>)
        : undefined;
      return append(
        principal,
        input.conversationId,
        { kind: 'action', seq: input.seq, action: input.action, data },
        hash,
      );
    },

    async end(principal: Principal, input: { conversationId: string }) {
      const conversation = await resolve(principal, input.conversationId);
      const ended = await conversations.end(principal.tenantId, conversation.id);
      if (ended) {
        // The wrap-up is queued with the end; it writes this event too if this process dies now.
        await eventLog.append(
          scope(ended),
          [{ type: 'conversation-end', conversation: ended }],
          [conversationEndKey],
        );
        sink.ended(ended);
      }
      return {
        conversationId: input.conversationId,
        id: conversation.id,
        lastSeq: conversation.lastSeq,
        alreadyEnded: !ended,
      };
    },

    /**
     * Ends the conversations idle past their channel's limit (their connector vanished) as
     * abandoned: the consoles see them end, and they are wrapped up like any other.
     */
    async endAbandoned(
      idleSecondsByChannel: Readonly<Partial<Record<Channel, number>>>,
    ): Promise<ConversationRecord[]> {
      const ended = await conversations.endIdle(idleSecondsByChannel);
      for (const conversation of ended) {
        await eventLog.append(
          scope(conversation),
          [{ type: 'conversation-end', conversation }],
          [conversationEndKey],
        );
        sink.ended(conversation);
      }
      return ended;
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
