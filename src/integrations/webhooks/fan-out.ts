import type { Database } from '../../stores/database.js';
import type { ConversationRecord } from '../../conversations/types.js';
import { comparePositions, type EventPosition } from '../../conversations/event-position.js';
import {
  lastPublishablePosition,
  readPublishableOfTypes,
  type EventRow,
} from '../../conversations/event-tail.js';
import {
  isUnsupportedLanguage,
  type UnsupportedLanguage,
  type WrapupResults,
} from '../../pipeline/contract.js';
import { enqueueSql, factsParam } from './delivery-store.js';
import type { WebhookEndpoint } from './endpoint-store.js';
import type {
  ConversationEndedData,
  ConversationRef,
  WebhookEventType,
  WebhookFact,
} from './webhook-types.js';

export interface FanOutSources {
  db: Database;
  activeEndpoints(): Promise<WebhookEndpoint[]>;
  conversation(tenantId: string, id: string): Promise<ConversationRecord | null>;
  wrapup(tenantId: string, conversationId: string): Promise<WrapupResults>;
}

/** The stored event types some webhook type is made from. */
const SOURCE_TYPES = ['alert', 'wrapup', 'wrapup-complete'];

/**
 * Turns the event log into deliveries: alerts become `alert.raised`, the follow-ups step's tasks
 * `follow_up.created`, a completed wrap-up `conversation.ended`. The log is read in delivery order
 * from a stored cursor; the statement that queues a batch's deliveries also moves the cursor, and
 * only if no other instance moved it first, so every event is turned into deliveries once, and
 * none is skipped when a process dies (the next pass starts where the last commit left off).
 * A new install starts at the end of the log: endpoints hear of what happens after them.
 */
export async function fanOutOnce(
  sources: FanOutSources,
  batch = 500,
): Promise<{ scanned: boolean; queued: number }> {
  const { db } = sources;
  const cursor = await readCursor(db);
  if (!cursor) {
    await db.query(
      `INSERT INTO webhook_cursor (tx, event_id) VALUES ($1::xid8, $2) ON CONFLICT DO NOTHING`,
      positionParams(await lastPublishablePosition(db)),
    );
    return { scanned: false, queued: 0 };
  }
  const endpoints = await sources.activeEndpoints();
  if (endpoints.length === 0) {
    // Nobody listens: skip ahead instead of reading the log (no write when nothing happened).
    const end = await lastPublishablePosition(db);
    if (comparePositions(end, cursor) > 0) await moveCursor(db, cursor, end, []);
    return { scanned: false, queued: 0 };
  }
  const { rows, last } = await readPublishableOfTypes(db, cursor, SOURCE_TYPES, batch);
  if (!last) return { scanned: false, queued: 0 };
  const wanted = subscriptions(endpoints);
  const facts: WebhookFact[] = [];
  for (const row of rows) facts.push(...(await factsOf(sources, row, wanted)));
  const queued = await moveCursor(db, cursor, last, facts);
  return { scanned: true, queued };
}

async function readCursor(db: Database): Promise<EventPosition | null> {
  const { rows } = await db.query<{ tx: string; event_id: number }>(
    'SELECT tx::text AS tx, event_id FROM webhook_cursor',
  );
  return rows[0] ? { tx: rows[0].tx, id: Number(rows[0].event_id) } : null;
}

const positionParams = (position: EventPosition) => [position.tx, position.id];

/** One statement: the cursor moves from `from` to `to` and the facts are queued, or neither. */
async function moveCursor(
  db: Database,
  from: EventPosition,
  to: EventPosition,
  facts: readonly WebhookFact[],
): Promise<number> {
  const guard = `guard AS (UPDATE webhook_cursor SET tx = $2::xid8, event_id = $3
      WHERE tx = $4::xid8 AND event_id = $5 RETURNING 1)`;
  const { affectedRows } = await db.query(enqueueSql('$1', guard), [
    factsParam(facts),
    ...positionParams(to),
    ...positionParams(from),
  ]);
  return affectedRows;
}

/** Tenant → the webhook types some active endpoint of it wants. */
function subscriptions(endpoints: readonly WebhookEndpoint[]): Map<string, Set<WebhookEventType>> {
  const wanted = new Map<string, Set<WebhookEventType>>();
  for (const endpoint of endpoints) {
    const types = wanted.get(endpoint.tenantId) ?? new Set<WebhookEventType>();
    for (const type of endpoint.events) types.add(type);
    wanted.set(endpoint.tenantId, types);
  }
  return wanted;
}

function conversationRef(row: EventRow, record: ConversationRecord | null): ConversationRef {
  return {
    conversationId: row.conversation_id,
    externalId: record?.externalId ?? null,
    agentId: row.agent_id,
    channel: record?.channel ?? null,
  };
}

async function factsOf(
  sources: FanOutSources,
  row: EventRow,
  wanted: Map<string, Set<WebhookEventType>>,
): Promise<WebhookFact[]> {
  const types = wanted.get(row.tenant_id);
  if (!types) return [];
  const payload = row.payload;
  const base = {
    tenantId: row.tenant_id,
    sourceKey: `event:${row.id}`,
    createdAt: new Date(row.created_at).toISOString(),
  };
  const record = () => sources.conversation(row.tenant_id, row.conversation_id);
  if (payload.type === 'alert' && types.has('alert.raised')) {
    return [
      {
        ...base,
        type: 'alert.raised',
        data: { ...conversationRef(row, await record()), seq: payload.seq, alert: payload.alert },
      },
    ];
  }
  if (
    payload.type === 'wrapup' &&
    payload.step === 'follow-ups' &&
    types.has('follow_up.created')
  ) {
    const tasks = usable(payload.result)?.tasks ?? [];
    if (tasks.length === 0) return [];
    const ref = conversationRef(row, await record());
    return tasks.map((task) => ({
      ...base,
      type: 'follow_up.created' as const,
      sourceKey: `follow-up:${task.id}:created`,
      data: { ...ref, followUp: task },
    }));
  }
  if (payload.type === 'wrapup-complete' && types.has('conversation.ended')) {
    const conversation = await record();
    const wrapup = await sources.wrapup(row.tenant_id, row.conversation_id);
    return [
      {
        ...base,
        type: 'conversation.ended',
        data: { ...conversationRef(row, conversation), ...endedData(conversation, wrapup) },
      },
    ];
  }
  return [];
}

/** A step's result, or undefined when it had none or could not read the conversation's language. */
function usable<T extends object>(result: T | UnsupportedLanguage | undefined): T | undefined {
  return result && !isUnsupportedLanguage(result) ? result : undefined;
}

function endedData(
  conversation: ConversationRecord | null,
  wrapup: WrapupResults,
): Omit<ConversationEndedData, keyof ConversationRef> {
  const summary = usable(wrapup.summary);
  const disposition = usable(wrapup.disposition);
  const churn = usable(wrapup.churn);
  const qa = usable(wrapup.qa);
  return {
    customerId: conversation?.customerId ?? null,
    language: conversation?.language ?? null,
    startedAt: conversation?.startedAt ?? null,
    endedAt: conversation?.endedAt ?? null,
    summary: summary ? { text: summary.narrative, source: summary.source } : null,
    disposition: disposition
      ? { suggested: disposition.suggested, confidence: disposition.confidence }
      : null,
    churn: churn ? { risk: churn.risk, reasons: churn.reasons } : null,
    qa: qa
      ? { overall: qa.overall, scorecardId: qa.scorecardId, scorecardVersion: qa.scorecardVersion }
      : null,
    followUps: usable(wrapup['follow-ups'])?.tasks.length ?? 0,
    unsupportedLanguage: Object.entries(wrapup)
      .filter(([, result]) => isUnsupportedLanguage(result))
      .map(([step]) => step),
  };
}
