import type { Services } from '../services.js';
import type { Channel, ConversationRecord } from '../../conversations/types.js';
import type { FollowUpTask } from '../../wrap-up/followups/follow-up-store.js';
import { listFollowUps } from '../../wrap-up/followups/follow-up-store.js';
import { isUnsupportedLanguage } from '../../pipeline/contract.js';

/** How one earlier contact of the customer ended, as the agent needs it at a glance. */
export interface PriorContact {
  conversationId: string;
  externalId: string;
  channel: Channel;
  status: ConversationRecord['status'];
  startedAt: string;
  endedAt: string | null;
  /** The wrap-up code: the agent's confirmed one, else the suggested one; null before the wrap-up. */
  outcome: { code: string; confirmed: boolean } | null;
  /** The first sentence of the wrap-up summary; null when there is none (yet, or in that language). */
  summary: string | null;
}

export interface OpenFollowUp {
  id: number;
  conversationId: string;
  kind: string;
  dueAt: string | null;
  draftMessage: string;
}

/** `GET /api/conversations/:id/customer`: who the customer on this conversation is. */
export interface CustomerOverview {
  conversationId: string;
  /** As stored: a pseudonym when the tenant asks for one. Null when the connector sent none. */
  customerId: string | null;
  attributes: Record<string, unknown>;
  priorContacts: PriorContact[];
  openFollowUps: OpenFollowUp[];
}

const PRIOR_LIMIT = 10;

const SUMMARY_CHARS = 160;

/**
 * The summary's first sentence (English or Chinese punctuation), cut to a line's length: the
 * offline summary is one long paragraph, and the agent needs the gist of each earlier call.
 */
function firstSentence(text: string): string | null {
  const paragraph = text
    .split('\n')
    .map((part) => part.trim())
    .find((part) => part !== '');
  if (!paragraph) return null;
  // Chinese full stops need no space after them; Latin ones do ("$24.99" is not an end).
  const ends = [/^.*?[。！？]/u, /^.*?[.!?](?=\s|$)/u]
    .map((pattern) => pattern.exec(paragraph)?.[0])
    .filter((found): found is string => found !== undefined);
  const sentence = ends.sort((a, b) => a.length - b.length)[0] ?? paragraph;
  return sentence.length > SUMMARY_CHARS
    ? `${sentence.slice(0, SUMMARY_CHARS - 1).trimEnd()}…`
    : sentence;
}

async function priorContact(
  services: Pick<Services, 'wrapups'>,
  record: ConversationRecord,
): Promise<PriorContact> {
  const results = await services.wrapups.resultsOf({
    tenantId: record.tenantId,
    conversationId: record.id,
  });
  const confirmed = record.metadata.disposition;
  const suggested =
    results.disposition && !isUnsupportedLanguage(results.disposition)
      ? results.disposition.suggested
      : null;
  const summary =
    results.summary && !isUnsupportedLanguage(results.summary) ? results.summary.narrative : '';
  return {
    conversationId: record.id,
    externalId: record.externalId,
    channel: record.channel,
    status: record.status,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    outcome:
      typeof confirmed === 'string' && confirmed !== ''
        ? { code: confirmed, confirmed: true }
        : suggested
          ? { code: suggested, confirmed: false }
          : null,
    summary: firstSentence(summary),
  };
}

const openFollowUp = (task: FollowUpTask): OpenFollowUp => ({
  id: task.id,
  conversationId: task.conversationId,
  kind: task.kind,
  dueAt: task.dueAt,
  draftMessage: task.draftMessage,
});

/**
 * The customer behind a conversation, for the agent handling it: the attributes the connector
 * sent, the customer's other contacts with their outcomes, and what was promised and is still
 * open. The conversation's customer id is already stored as the tenant stores it (a pseudonym
 * when it asks for one), so the history is looked up by it directly, never re-pseudonymised.
 */
export async function customerOverview(
  services: Pick<Services, 'conversations' | 'wrapups' | 'db'>,
  conversation: ConversationRecord,
): Promise<CustomerOverview> {
  const { tenantId, customerId } = conversation;
  const others = customerId
    ? (
        await services.conversations.list({ tenantId, customerId, limit: PRIOR_LIMIT + 1 })
      ).conversations.filter((record) => record.id !== conversation.id)
    : [];
  const contacts = others.slice(0, PRIOR_LIMIT);
  const priorContacts = await Promise.all(contacts.map((record) => priorContact(services, record)));
  // Promises made on this call and the earlier ones, whoever made them: the agent keeps them.
  const tasks = await Promise.all(
    [conversation, ...contacts].map((record) =>
      listFollowUps(services.db, {
        tenantId,
        conversationId: record.id,
        status: 'open',
        limit: 20,
      }),
    ),
  );
  return {
    conversationId: conversation.id,
    customerId,
    attributes: conversation.customerAttributes,
    priorContacts,
    openFollowUps: tasks
      .flat()
      .map(openFollowUp)
      .sort((a, b) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999')),
  };
}
