import type { ConversationItem, ConversationRecord } from '../conversations/types.js';

/** Builds stored-looking transcripts for tests: `['customer', 'text']` or `{ action }` entries. */
export function buildTranscript(
  entries: readonly (['customer' | 'agent', string] | { action: string })[],
): ConversationItem[] {
  return entries.map((entry, index) =>
    Array.isArray(entry)
      ? {
          kind: 'utterance',
          conversationId: 'c1',
          seq: index + 1,
          speaker: entry[0],
          text: entry[1],
          startMs: null,
          endMs: null,
          language: 'en',
          createdAt: '2024-05-06T10:00:00Z',
        }
      : {
          kind: 'action',
          conversationId: 'c1',
          seq: index + 1,
          action: entry.action,
          data: {},
          createdAt: '2024-05-06T10:00:00Z',
        },
  );
}

export function buildConversation(overrides: Partial<ConversationRecord> = {}): ConversationRecord {
  return {
    id: 'c1',
    tenantId: 't1',
    externalId: 'x1',
    channel: 'voice',
    agentId: 'a1',
    customerId: null,
    customerAttributes: {},
    language: 'en',
    status: 'ended',
    lastSeq: 0,
    metadata: {},
    startedAt: '2024-05-06T10:00:00Z',
    endedAt: '2024-05-06T10:10:00Z',
    ...overrides,
  };
}
