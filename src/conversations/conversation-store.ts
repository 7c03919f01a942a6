import { createHash, randomUUID } from 'node:crypto';
import { CuecardError } from '../errors/cuecard-error.js';
import { canonicalJson } from '../text/canonical-json.js';
import type { Database, Queryable, SqlParam } from '../stores/database.js';
import { enqueueWorkCtes } from '../stores/work-queue.js';
import type {
  Channel,
  ConversationItem,
  ConversationRecord,
  ConversationStatus,
  Speaker,
} from './types.js';

interface ConversationRow {
  id: string;
  tenant_id: string;
  external_id: string;
  channel: Channel;
  agent_id: string | null;
  customer_id: string | null;
  customer_attributes: Record<string, unknown>;
  language: string | null;
  status: ConversationStatus;
  last_seq: number;
  metadata: Record<string, unknown>;
  started_at: Date;
  ended_at: Date | null;
}

interface ItemRow {
  conversation_id: string;
  seq: number;
  kind: 'utterance' | 'action';
  speaker: Speaker | null;
  text: string | null;
  action: string | null;
  data: Record<string, unknown>;
  content_hash: string;
  start_ms: number | null;
  end_ms: number | null;
  language: string | null;
  created_at: Date;
}

function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    externalId: row.external_id,
    channel: row.channel,
    agentId: row.agent_id,
    customerId: row.customer_id,
    customerAttributes: row.customer_attributes,
    language: row.language,
    status: row.status,
    lastSeq: row.last_seq,
    metadata: row.metadata,
    startedAt: new Date(row.started_at).toISOString(),
    endedAt: row.ended_at ? new Date(row.ended_at).toISOString() : null,
  };
}

function toItem(row: ItemRow): ConversationItem {
  const createdAt = new Date(row.created_at).toISOString();
  if (row.kind === 'action') {
    return {
      kind: 'action',
      conversationId: row.conversation_id,
      seq: row.seq,
      action: row.action ?? '',
      data: row.data,
      createdAt,
    };
  }
  return {
    kind: 'utterance',
    conversationId: row.conversation_id,
    seq: row.seq,
    speaker: row.speaker ?? 'customer',
    text: row.text ?? '',
    startMs: row.start_ms,
    endMs: row.end_ms,
    language: row.language,
    createdAt,
  };
}

export interface OpenConversationInput {
  tenantId: string;
  externalId: string;
  channel: Channel;
  agentId?: string | undefined;
  customerId?: string | undefined;
  customerAttributes?: Record<string, unknown> | undefined;
  language?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}

export type NewItem =
  | {
      kind: 'utterance';
      seq: number;
      speaker: Speaker;
      text: string;
      startMs?: number | undefined;
      endMs?: number | undefined;
      language?: string | undefined;
    }
  | { kind: 'action'; seq: number; action: string; data?: Record<string, unknown> | undefined };

export type AppendOutcome =
  | { status: 'stored'; item: ConversationItem; conversation: ConversationRecord }
  | { status: 'duplicate'; lastSeq: number }
  | { status: 'conflict'; lastSeq: number }
  | { status: 'gap'; expected: number }
  | { status: 'ended' };

export interface ConversationFilter {
  tenantId: string;
  agentId?: string | undefined;
  channel?: Channel | undefined;
  status?: ConversationStatus | undefined;
  customerId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  /** Opaque cursor from the previous page. */
  cursor?: string | undefined;
}

/**
 * The fingerprint of what a connector sent, computed before redaction. Canonical JSON (sorted
 * keys), so action `data` resent with its keys in another order is a duplicate, not a conflict.
 * For utterances (arrays of strings) the text is identical to the former JSON.stringify, so hashes
 * stored before the change still match.
 */
export function contentHash(parts: unknown): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, 32);
}

/**
 * A list cursor is `base64url("<ISO startedAt>|<conversation id>")`, made by `list` itself. It
 * comes back from clients, so anything else (garbage, a truncated copy, a forged date) is refused
 * as `validation_failed` on `cursor` instead of reaching the query as an invalid date.
 */
export function decodeListCursor(cursor: string): { startedAt: Date; id: string } {
  const refuse = () =>
    new CuecardError(
      'validation_failed',
      'cursor is not a cursor this server issued; pass nextCursor of the previous page unchanged, or omit it for the first page.',
      { field: 'cursor' },
    );
  if (!/^[A-Za-z0-9_-]{1,800}$/.test(cursor)) throw refuse();
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const separator = decoded.indexOf('|');
  if (separator < 0) throw refuse();
  const startedAt = new Date(decoded.slice(0, separator));
  const id = decoded.slice(separator + 1);
  const time = startedAt.getTime();
  // Within what timestamptz holds, so a forged date is refused here rather than by the database.
  if (!(time >= 0 && time <= Date.UTC(9999, 11, 31)) || id.length === 0) throw refuse();
  return { startedAt, id };
}

const conversationColumns = `id, tenant_id, external_id, channel, agent_id, customer_id, customer_attributes,
  language, status, last_seq, metadata, started_at, ended_at`;

/**
 * One statement instead of a transaction: on the embedded engine every statement is a round trip
 * to the worker thread and a transaction holds its only connection between them. `current` takes
 * the row lock, so appends to one conversation are serialized on a server; under READ COMMITTED
 * the locked row is re-read at its latest version, so the decisions below are made on the
 * committed last_seq and status. Only the item lookup in `previous` uses the statement's older
 * snapshot (see `append`).
 */
// The item's analysis is scheduled in the same statement that stores it (durable work, decision
// 0008): the item and its analysis commit together or not at all. One row per (conversation, seq).
const analysisWork = enqueueWorkCtes('queued', 'inserted', {
  kind: 'analyze',
  key: '$2',
  seq: 'inserted.seq',
  dedupKey: `$2 || ':' || inserted.seq`,
  payload: `jsonb_build_object('tenantId', $1::text)`,
});

// Ending a conversation schedules its wrap-up in the same statement; its seq follows the last
// item's, so it runs after every analysis of the conversation.
const wrapupWork = enqueueWorkCtes('queued', 'ended', {
  kind: 'wrap-up',
  key: 'ended.id',
  seq: 'ended.last_seq + 1',
  dedupKey: 'ended.id',
  payload: `jsonb_build_object('tenantId', ended.tenant_id)`,
});

const appendStatement = `
  WITH current AS MATERIALIZED (
    SELECT last_seq, status FROM conversations WHERE tenant_id = $1 AND id = $2 FOR UPDATE
  ),
  previous AS (
    SELECT content_hash FROM conversation_items WHERE conversation_id = $2 AND seq = $3
  ),
  inserted AS (
    INSERT INTO conversation_items (conversation_id, seq, tenant_id, kind, speaker, text, action,
      data, content_hash, start_ms, end_ms, language)
    SELECT $2, $3, $1, $4, $5, $6, $7, $8, $9, $10, $11, $12
    FROM current WHERE current.status = 'active' AND $3 = current.last_seq + 1
    RETURNING seq, kind, speaker, text, action, data, content_hash, start_ms, end_ms, language,
      created_at
  ),
  updated AS (
    UPDATE conversations SET last_seq = $3, last_activity_at = now()
    WHERE tenant_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM inserted)
    RETURNING ${conversationColumns}
  ),
  ${analysisWork.ctes}
  SELECT ${analysisWork.notified} AS queued, current.last_seq AS current_last_seq, current.status AS current_status,
    (SELECT content_hash FROM previous) AS previous_hash,
    inserted.seq AS item_seq, inserted.kind AS item_kind, inserted.speaker AS item_speaker,
    inserted.text AS item_text, inserted.action AS item_action, inserted.data AS item_data,
    inserted.content_hash AS item_content_hash,
    inserted.start_ms AS item_start_ms, inserted.end_ms AS item_end_ms,
    inserted.language AS item_language, inserted.created_at AS item_created_at,
    updated.*
  FROM current LEFT JOIN inserted ON true LEFT JOIN updated ON true`;

/** `updated.*` columns are null unless the item was stored (then `item_*` are set too). */
interface AppendRow extends ConversationRow {
  current_last_seq: number;
  current_status: ConversationStatus;
  previous_hash: string | null;
  item_seq: number | null;
  item_kind: ItemRow['kind'];
  item_speaker: ItemRow['speaker'];
  item_text: ItemRow['text'];
  item_action: ItemRow['action'];
  item_data: ItemRow['data'];
  item_content_hash: ItemRow['content_hash'];
  item_start_ms: ItemRow['start_ms'];
  item_end_ms: ItemRow['end_ms'];
  item_language: ItemRow['language'];
  item_created_at: ItemRow['created_at'];
}

function storedItem(row: AppendRow): ConversationItem {
  return toItem({
    conversation_id: row.id,
    seq: row.item_seq!,
    kind: row.item_kind,
    speaker: row.item_speaker,
    text: row.item_text,
    action: row.item_action,
    data: row.item_data,
    content_hash: row.item_content_hash,
    start_ms: row.item_start_ms,
    end_ms: row.item_end_ms,
    language: row.item_language,
    created_at: row.item_created_at,
  });
}

function appendParams(tenantId: string, conversationId: string, item: NewItem, hash: string) {
  return item.kind === 'utterance'
    ? [
        tenantId,
        conversationId,
        item.seq,
        'utterance',
        item.speaker,
        item.text,
        null,
        '{}',
        hash,
        item.startMs ?? null,
        item.endMs ?? null,
        item.language ?? null,
      ]
    : [
        tenantId,
        conversationId,
        item.seq,
        'action',
        null,
        null,
        item.action,
        JSON.stringify(item.data ?? {}),
        hash,
        null,
        null,
        null,
      ];
}

export function createConversationStore(db: Database) {
  async function appendOnce(
    conversationId: string,
    params: readonly SqlParam[],
  ): Promise<AppendRow> {
    const { rows } = await db.query<AppendRow>(appendStatement, params);
    if (!rows[0]) throw new Error(`conversation ${conversationId} vanished`);
    return rows[0];
  }

  async function getConversation(
    tenantId: string,
    id: string,
    target: Queryable = db,
  ): Promise<ConversationRecord | null> {
    const { rows } = await target.query<ConversationRow>(
      `SELECT ${conversationColumns} FROM conversations WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  return {
    getConversation,

    async findByExternalId(
      tenantId: string,
      externalId: string,
    ): Promise<ConversationRecord | null> {
      const { rows } = await db.query<ConversationRow>(
        `SELECT ${conversationColumns} FROM conversations WHERE tenant_id = $1 AND external_id = $2`,
        [tenantId, externalId],
      );
      return rows[0] ? toConversation(rows[0]) : null;
    },

    /** Opens a conversation, or returns the existing one with the same external id (resume). */
    async open(
      input: OpenConversationInput,
    ): Promise<{ conversation: ConversationRecord; created: boolean }> {
      const id = `c_${randomUUID()}`;
      const { rows } = await db.query<ConversationRow>(
        `INSERT INTO conversations (id, tenant_id, external_id, channel, agent_id, customer_id,
           customer_attributes, language, metadata)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, external_id) DO NOTHING
         RETURNING ${conversationColumns}`,
        [
          id,
          input.tenantId,
          input.externalId,
          input.channel,
          input.agentId ?? null,
          input.customerId ?? null,
          JSON.stringify(input.customerAttributes ?? {}),
          input.language ?? null,
          JSON.stringify(input.metadata ?? {}),
        ],
      );
      if (rows[0]) return { conversation: toConversation(rows[0]), created: true };
      const { rows: existing } = await db.query<ConversationRow>(
        `SELECT ${conversationColumns} FROM conversations WHERE tenant_id = $1 AND external_id = $2`,
        [input.tenantId, input.externalId],
      );
      return { conversation: toConversation(existing[0]!), created: false };
    },

    /**
     * Durably appends one item. Sequence numbers are dense per conversation: the next item must
     * be lastSeq + 1; a repeat of an earlier one with the same content is a harmless duplicate.
     */
    async append(
      tenantId: string,
      conversationId: string,
      item: NewItem,
      hash: string,
    ): Promise<AppendOutcome> {
      const params = appendParams(tenantId, conversationId, item, hash);
      let row = await appendOnce(conversationId, params);
      // An earlier seq with no item: on a server, whoever held the row while this statement
      // waited for the lock stored it, committed but newer than this statement's snapshot. That
      // branch wrote nothing, so asking again is safe, and the new snapshot holds every item up to
      // the last_seq just read. Still none (items deleted): a conflict, as before.
      if (row.previous_hash === null && item.seq <= row.current_last_seq) {
        row = await appendOnce(conversationId, params);
      }
      if (row.item_seq !== null) {
        return { status: 'stored', item: storedItem(row), conversation: toConversation(row) };
      }
      if (item.seq <= row.current_last_seq) {
        return row.previous_hash === hash
          ? { status: 'duplicate', lastSeq: row.current_last_seq }
          : { status: 'conflict', lastSeq: row.current_last_seq };
      }
      if (row.current_status === 'ended') return { status: 'ended' };
      return { status: 'gap', expected: row.current_last_seq + 1 };
    },

    /**
     * Marks the conversation ended and schedules its wrap-up in the same statement; returns null
     * when it already was (idempotent end).
     */
    async end(tenantId: string, conversationId: string): Promise<ConversationRecord | null> {
      const { rows } = await db.query<ConversationRow>(
        `WITH ended AS (
           UPDATE conversations SET status = 'ended', ended_at = now()
           WHERE tenant_id = $1 AND id = $2 AND status = 'active'
           RETURNING ${conversationColumns}
         ),
         ${wrapupWork.ctes}
         SELECT ${wrapupWork.notified} AS queued, ended.* FROM ended`,
        [tenantId, conversationId],
      );
      return rows[0] ? toConversation(rows[0]) : null;
    },

    /**
     * Ends, as abandoned, the active conversations whose last item (or start) is older than
     * their channel's idle time, at most `limit` at once. One statement: several instances may
     * sweep together, and each conversation is ended by exactly one of them.
     */
    async endIdle(
      idleSecondsByChannel: Readonly<Partial<Record<Channel, number>>>,
      limit = 100,
    ): Promise<ConversationRecord[]> {
      const channels = Object.entries(idleSecondsByChannel).filter(([, seconds]) => seconds! > 0);
      if (channels.length === 0) return [];
      const { rows } = await db.query<ConversationRow>(
        `WITH idle AS (
           SELECT c.id FROM conversations c
             JOIN unnest($1::text[], $2::int[]) AS t(channel, seconds) ON t.channel = c.channel
            WHERE c.status = 'active'
              AND c.last_activity_at < now() - t.seconds * interval '1 second'
            ORDER BY c.last_activity_at LIMIT $3
            FOR UPDATE OF c SKIP LOCKED),
         ended AS (
           UPDATE conversations SET status = 'ended', ended_at = now(),
                  metadata = metadata || '{"endReason": "abandoned"}'::jsonb
            WHERE id IN (SELECT id FROM idle) AND status = 'active'
            RETURNING ${conversationColumns}
         ),
         ${wrapupWork.ctes}
         SELECT ${wrapupWork.notified} AS queued, ended.* FROM ended`,
        [channels.map(([channel]) => channel), channels.map(([, seconds]) => seconds!), limit],
      );
      return rows.map(toConversation);
    },

    async setLanguage(tenantId: string, conversationId: string, language: string): Promise<void> {
      await db.query('UPDATE conversations SET language = $3 WHERE tenant_id = $1 AND id = $2', [
        tenantId,
        conversationId,
        language,
      ]);
    },

    /** Adds or replaces top-level metadata fields; `target` lets a caller's transaction do it. */
    async mergeMetadata(
      tenantId: string,
      conversationId: string,
      fields: Record<string, unknown>,
      target: Queryable = db,
    ): Promise<void> {
      await target.query(
        'UPDATE conversations SET metadata = metadata || $3::jsonb WHERE tenant_id = $1 AND id = $2',
        [tenantId, conversationId, JSON.stringify(fields)],
      );
    },

    /** One stored item, or null. */
    async item(conversationId: string, seq: number): Promise<ConversationItem | null> {
      const { rows } = await db.query<ItemRow>(
        'SELECT * FROM conversation_items WHERE conversation_id = $1 AND seq = $2',
        [conversationId, seq],
      );
      return rows[0] ? toItem(rows[0]) : null;
    },

    async items(conversationId: string): Promise<ConversationItem[]> {
      const { rows } = await db.query<ItemRow>(
        'SELECT * FROM conversation_items WHERE conversation_id = $1 ORDER BY seq',
        [conversationId],
      );
      return rows.map(toItem);
    },

    /** Newest first, keyset-paginated on (started_at, id). */
    async list(
      filter: ConversationFilter,
    ): Promise<{ conversations: ConversationRecord[]; nextCursor: string | null }> {
      const where = ['tenant_id = $1'];
      const params: (string | number | Date)[] = [filter.tenantId];
      const add = (clause: string, value: string | number | Date) => {
        params.push(value);
        where.push(clause.replace('?', `$${params.length}`));
      };
      if (filter.agentId) add('agent_id = ?', filter.agentId);
      if (filter.channel) add('channel = ?', filter.channel);
      if (filter.status) add('status = ?', filter.status);
      if (filter.customerId) add('customer_id = ?', filter.customerId);
      if (filter.from) add('started_at >= ?', filter.from);
      if (filter.to) add('started_at < ?', filter.to);
      if (filter.cursor) {
        const { startedAt, id } = decodeListCursor(filter.cursor);
        params.push(startedAt, id);
        where.push(`(started_at, id) < ($${params.length - 1}, $${params.length})`);
      }
      params.push(filter.limit + 1);
      const { rows } = await db.query<ConversationRow>(
        `SELECT ${conversationColumns} FROM conversations WHERE ${where.join(' AND ')}
         ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      const page = rows.slice(0, filter.limit).map(toConversation);
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > filter.limit && last
          ? Buffer.from(`${last.startedAt}|${last.id}`).toString('base64url')
          : null;
      return { conversations: page, nextCursor };
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
