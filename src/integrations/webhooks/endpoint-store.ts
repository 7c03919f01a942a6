import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../../stores/database.js';
import type { WebhookEventType } from './webhook-types.js';

export interface WebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  events: WebhookEventType[];
  description: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** An endpoint with its signing secret: only at creation, and to the dispatcher. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  secret: string;
}

interface Row {
  id: string;
  tenant_id: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  description: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, tenant_id, url, events, secret, description, active, created_at, updated_at';

function toEndpoint(row: Row): WebhookEndpointWithSecret {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    events: row.events,
    secret: row.secret,
    description: row.description,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Drops the secret: what every read but the creation answers. */
export function withoutSecret(endpoint: WebhookEndpointWithSecret): WebhookEndpoint {
  const { secret: _secret, ...rest } = endpoint;
  return rest;
}

export interface EndpointChanges {
  url?: string | undefined;
  events?: WebhookEventType[] | undefined;
  description?: string | undefined;
  active?: boolean | undefined;
  secret?: string | undefined;
}

/** Endpoints per tenant (table `webhook_endpoints`); every call is scoped to one tenant. */
export function createEndpointStore(db: Queryable) {
  return {
    async create(input: {
      tenantId: string;
      url: string;
      events: WebhookEventType[];
      secret?: string | undefined;
      description?: string | undefined;
    }): Promise<WebhookEndpointWithSecret> {
      const id = `wh_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
      const { rows } = await db.query<Row>(
        `INSERT INTO webhook_endpoints (id, tenant_id, url, events, secret, description)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [id, input.tenantId, input.url, input.events, secret, input.description ?? ''],
      );
      return toEndpoint(rows[0]!);
    },

    async list(tenantId: string): Promise<WebhookEndpointWithSecret[]> {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at, id`,
        [tenantId],
      );
      return rows.map(toEndpoint);
    },

    async get(tenantId: string, id: string): Promise<WebhookEndpointWithSecret | null> {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id],
      );
      return rows[0] ? toEndpoint(rows[0]) : null;
    },

    async update(
      tenantId: string,
      id: string,
      changes: EndpointChanges,
    ): Promise<WebhookEndpointWithSecret | null> {
      const { rows } = await db.query<Row>(
        `UPDATE webhook_endpoints SET
           url = coalesce($3, url), events = coalesce($4, events),
           description = coalesce($5, description), active = coalesce($6, active),
           secret = coalesce($7, secret), updated_at = now()
         WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [
          tenantId,
          id,
          changes.url ?? null,
          changes.events ?? null,
          changes.description ?? null,
          changes.active ?? null,
          changes.secret ?? null,
        ],
      );
      return rows[0] ? toEndpoint(rows[0]) : null;
    },

    /** Deletes the endpoint and its deliveries (queued ones are not sent). */
    async remove(tenantId: string, id: string): Promise<boolean> {
      const { affectedRows } = await db.query(
        'DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2',
        [tenantId, id],
      );
      return affectedRows > 0;
    },

    /** One endpoint whatever its tenant: the dispatcher, holding a delivery row. */
    async byId(id: string): Promise<WebhookEndpointWithSecret | null> {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM webhook_endpoints WHERE id = $1`,
        [id],
      );
      return rows[0] ? toEndpoint(rows[0]) : null;
    },

    /** Every active endpoint of every tenant: what the fan-out matches facts against. */
    async active(): Promise<WebhookEndpointWithSecret[]> {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM webhook_endpoints WHERE active ORDER BY created_at, id`,
      );
      return rows.map(toEndpoint);
    },
  };
}

export type EndpointStore = ReturnType<typeof createEndpointStore>;
