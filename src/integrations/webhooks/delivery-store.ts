import type { Queryable } from '../../stores/database.js';
import type { WebhookEventType, WebhookFact } from './webhook-types.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** A delivery as the API shows it (the body is not repeated in lists). */
export interface WebhookDelivery {
  id: string;
  endpointId: string;
  type: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** What the dispatcher holds while it tries one delivery. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  tenantId: string;
  body: string;
  attempts: number;
  createdAt: Date;
}

interface Row {
  id: string;
  endpoint_id: string;
  event_type: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: Date;
  created_at: Date;
  delivered_at: Date | null;
}

const toDelivery = (row: Row): WebhookDelivery => ({
  id: row.id,
  endpointId: row.endpoint_id,
  type: row.event_type,
  status: row.status,
  attempts: row.attempts,
  lastStatus: row.last_status,
  lastError: row.last_error,
  nextAttemptAt: row.status === 'pending' ? new Date(row.next_attempt_at).toISOString() : null,
  createdAt: new Date(row.created_at).toISOString(),
  deliveredAt: row.delivered_at ? new Date(row.delivered_at).toISOString() : null,
});

/**
 * Queues each fact for every active endpoint of its tenant that subscribes to its type and
 * existed when it happened, building the versioned body (webhook-types.ts) in the statement. A
 * fact already queued for an endpoint (same source key) is skipped. `guard`, when given, is a
 * CTE named `guard` that must return a row for anything to be queued (the fan-out's cursor move).
 */
export function enqueueSql(factsParam: string, guard?: string): string {
  return `${guard ? `WITH ${guard} ` : ''}
    INSERT INTO webhook_deliveries (id, endpoint_id, tenant_id, event_type, source_key, body, created_at)
    SELECT d.id, e.id, e.tenant_id, f.type, f.source_key,
           json_build_object('id', d.id, 'type', f.type, 'version', 1, 'createdAt', f.created_at,
                             'tenantId', f.tenant_id, 'data', f.data)::text,
           f.created_at::timestamptz
      FROM jsonb_to_recordset(${factsParam}::jsonb)
             AS f(tenant_id text, type text, source_key text, created_at text, data json)
      JOIN webhook_endpoints e
        ON e.tenant_id = f.tenant_id AND e.active AND f.type = ANY (e.events)
       AND e.created_at <= f.created_at::timestamptz
     CROSS JOIN LATERAL (SELECT 'whd_' || replace(gen_random_uuid()::text, '-', '') AS id) d
     ${guard ? 'WHERE EXISTS (SELECT 1 FROM guard)' : ''}
    ON CONFLICT (endpoint_id, source_key) DO NOTHING`;
}

export function factsParam(facts: readonly WebhookFact[]): string {
  return JSON.stringify(
    facts.map((fact) => ({
      tenant_id: fact.tenantId,
      type: fact.type,
      source_key: fact.sourceKey,
      created_at: fact.createdAt,
      data: fact.data,
    })),
  );
}

/**
 * Queues facts inside the caller's transaction, so that the fact and its deliveries commit
 * together (a confirmed disposition, a QA review): nothing is announced that did not happen, and
 * nothing that happened goes unannounced.
 */
export async function announce(tx: Queryable, facts: readonly WebhookFact[]): Promise<number> {
  if (facts.length === 0) return 0;
  const { affectedRows } = await tx.query(enqueueSql('$1'), [factsParam(facts)]);
  return affectedRows;
}

export function createDeliveryStore(db: Queryable) {
  return {
    /** Takes up to `limit` due deliveries for `leaseMs`; each claim counts as an attempt. */
    async claimDue(owner: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
      const { rows } = await db.query<{
        id: string;
        endpoint_id: string;
        tenant_id: string;
        body: string;
        attempts: number;
        created_at: Date;
      }>(
        `UPDATE webhook_deliveries d
            SET lease_owner = $1, lease_until = now() + make_interval(secs => $3::float8 / 1000),
                attempts = d.attempts + 1
          WHERE d.id IN (
            SELECT id FROM webhook_deliveries
             WHERE status = 'pending' AND next_attempt_at <= now()
               AND (lease_until IS NULL OR lease_until < now())
               -- A paused endpoint's deliveries wait for it (PATCH active: true).
               AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE active)
             ORDER BY next_attempt_at LIMIT $2
             FOR UPDATE SKIP LOCKED)
         RETURNING d.id, d.endpoint_id, d.tenant_id, d.body, d.attempts, d.created_at`,
        [owner, limit, leaseMs],
      );
      return rows.map((row) => ({
        id: row.id,
        endpointId: row.endpoint_id,
        tenantId: row.tenant_id,
        body: row.body,
        attempts: row.attempts,
        createdAt: new Date(row.created_at),
      }));
    },

    async delivered(id: string, owner: string, status: number): Promise<void> {
      await db.query(
        `UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_status = $3,
                last_error = NULL, lease_owner = NULL, lease_until = NULL
          WHERE id = $1 AND lease_owner = $2`,
        [id, owner, status],
      );
    },

    /** Records a failed attempt: tried again at `retryAt`, or dead-lettered when that is null. */
    async failed(
      id: string,
      owner: string,
      outcome: { status: number | null; error: string; retryAt: Date | null },
    ): Promise<void> {
      await db.query(
        `UPDATE webhook_deliveries
            SET status = CASE WHEN $5::timestamptz IS NULL THEN 'dead' ELSE 'pending' END,
                next_attempt_at = coalesce($5::timestamptz, next_attempt_at),
                last_status = $3, last_error = $4, lease_owner = NULL, lease_until = NULL
          WHERE id = $1 AND lease_owner = $2`,
        [id, owner, outcome.status, outcome.error.slice(0, 500), outcome.retryAt],
      );
    },

    async list(tenantId: string, endpointId: string, limit = 100): Promise<WebhookDelivery[]> {
      const { rows } = await db.query<Row>(
        `SELECT id, endpoint_id, event_type, status, attempts, last_status, last_error,
                next_attempt_at, created_at, delivered_at
           FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2
          ORDER BY created_at DESC, id LIMIT $3`,
        [tenantId, endpointId, limit],
      );
      return rows.map(toDelivery);
    },

    /** Sends one delivery again now, whatever became of it (the same body and id). */
    async redeliver(
      tenantId: string,
      endpointId: string,
      deliveryId: string,
    ): Promise<WebhookDelivery | null> {
      const { rows } = await db.query<Row>(
        `UPDATE webhook_deliveries
            SET status = 'pending', next_attempt_at = now(), lease_owner = NULL, lease_until = NULL
          WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3
          RETURNING id, endpoint_id, event_type, status, attempts, last_status, last_error,
                    next_attempt_at, created_at, delivered_at`,
        [tenantId, endpointId, deliveryId],
      );
      return rows[0] ? toDelivery(rows[0]) : null;
    },

    /** Deliveries waiting (due or backing off) and the age of the oldest, for /metrics. */
    async backlog(): Promise<{ pending: number; oldestSeconds: number }> {
      const { rows } = await db.query<{ pending: number; oldest: number | null }>(
        `SELECT count(*)::int AS pending,
                extract(epoch FROM now() - min(created_at))::float8 AS oldest
           FROM webhook_deliveries WHERE status = 'pending'`,
      );
      return { pending: rows[0]?.pending ?? 0, oldestSeconds: rows[0]?.oldest ?? 0 };
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;
