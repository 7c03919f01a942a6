import type { AnalyzerContext, AnalyzerOutput, Analyzer } from '../../pipeline/analyzer.js';
import type { AnalyzerName } from '../../pipeline/contract.js';
import type { ConversationItem, ConversationRecord } from '../../conversations/types.js';

/**
 * Test helper: builds a conversation item by item and runs an analyzer over it the way the
 * pipeline does (one item at a time, state carried over, `previous` results supplied).
 */
export type Turn =
  { customer: string } | { agent: string } | { action: string; data?: Record<string, unknown> };

export const testConversation: ConversationRecord = {
  id: 'conv-1',
  tenantId: 'tenant-1',
  externalId: 'ext-1',
  channel: 'chat',
  agentId: 'agent-1',
  customerId: null,
  customerAttributes: {},
  language: null,
  status: 'active',
  lastSeq: 0,
  metadata: {},
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
};

export function toItem(turn: Turn, seq: number): ConversationItem {
  const createdAt = new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();
  if ('action' in turn) {
    return {
      kind: 'action',
      conversationId: testConversation.id,
      seq,
      action: turn.action,
      data: turn.data ?? {},
      createdAt,
    };
  }
  const speaker = 'customer' in turn ? 'customer' : 'agent';
  const text = 'customer' in turn ? turn.customer : turn.agent;
  return {
    kind: 'utterance',
    conversationId: testConversation.id,
    seq,
    speaker,
    text,
    startMs: null,
    endMs: null,
    language: null,
    createdAt,
  };
}

export interface AnalyzerRun<N extends AnalyzerName = AnalyzerName> {
  item: ConversationItem;
  output: AnalyzerOutput<N> | null;
}

/**
 * Feeds the turns one by one; `previous(item)` supplies the declared analyzers' results per
 * item, typed by the contract: a test cannot hand an analyzer a shape its producer never writes.
 */
export async function runAnalyzer<N extends AnalyzerName, R extends AnalyzerName>(
  analyzer: Analyzer<N, R>,
  turns: readonly Turn[],
  options: {
    previous?: (item: ConversationItem) => AnalyzerContext<R>['previous'];
    tenantId?: string;
  } = {},
): Promise<AnalyzerRun<N>[]> {
  const transcript: ConversationItem[] = [];
  const runs: AnalyzerRun<N>[] = [];
  let state: unknown;
  const accepts = analyzer.accepts ?? ['utterance'];
  for (const [index, turn] of turns.entries()) {
    const item = toItem(turn, index + 1);
    transcript.push(item);
    if (!accepts.includes(item.kind)) continue;
    const output = await analyzer.analyze({
      tenantId: options.tenantId ?? testConversation.tenantId,
      conversation: testConversation,
      item,
      transcript: [...transcript],
      previous: options.previous?.(item) ?? {},
      state,
      signal: new AbortController().signal,
    });
    if (output?.state !== undefined) state = output.state;
    runs.push({ item, output });
  }
  return runs;
}
