/** Domain records of a conversation, as stored. */
export type Channel = 'voice' | 'chat' | 'email';
export type Speaker = 'customer' | 'agent' | 'bot';
export type ConversationStatus = 'active' | 'ended';

export interface ConversationRecord {
  id: string;
  tenantId: string;
  externalId: string;
  channel: Channel;
  agentId: string | null;
  customerId: string | null;
  customerAttributes: Record<string, unknown>;
  language: string | null;
  status: ConversationStatus;
  lastSeq: number;
  metadata: Record<string, unknown>;
  startedAt: string;
  endedAt: string | null;
}

export interface UtteranceItem {
  kind: 'utterance';
  conversationId: string;
  seq: number;
  speaker: Speaker;
  /** Redacted per the tenant's PII mode. */
  text: string;
  startMs: number | null;
  endMs: number | null;
  language: string | null;
  createdAt: string;
}

export interface ActionItem {
  kind: 'action';
  conversationId: string;
  seq: number;
  /** What the agent did, e.g. "verify-identity", "issue-refund". */
  action: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export type ConversationItem = UtteranceItem | ActionItem;
