import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../stores/database.js';
import { CuecardError } from '../errors/cuecard-error.js';
import type { Principal, Role } from './roles.js';

export interface TenantSettings {
  piiMode?: 'off' | 'mask' | 'hash';
  hashSalt?: string;
  [key: string]: unknown;
}

export interface Tenant {
  id: string;
  name: string;
  settings: TenantSettings;
}

export interface IssuedKey {
  id: string;
  key: string;
  role: Role;
  agentId: string | null;
  name: string;
}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function createTenantStore(db: Queryable) {
  return {
    async createTenant(input: {
      id?: string;
      name: string;
      settings?: TenantSettings;
    }): Promise<Tenant> {
      const id = input.id ?? `t_${randomUUID().slice(0, 8)}`;
      // A random salt per tenant keeps PII hash tokens from being joined across tenants.
      const settings: TenantSettings = {
        hashSalt: randomBytes(16).toString('hex'),
        ...input.settings,
      };
      await db.query('INSERT INTO tenants (id, name, settings) VALUES ($1, $2, $3)', [
        id,
        input.name,
        JSON.stringify(settings),
      ]);
      return { id, name: input.name, settings };
    },

    /** Creates a bare tenant (no settings) unless one with this id exists: `npm run kb` on a fresh database. */
    async ensureTenant(id: string): Promise<void> {
      await db.query('INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING', [
        id,
      ]);
    },

    async getTenant(id: string): Promise<Tenant | null> {
      const { rows } = await db.query<Tenant>(
        'SELECT id, name, settings FROM tenants WHERE id = $1',
        [id],
      );
      return rows[0] ?? null;
    },

    async listTenants(): Promise<Array<{ id: string; name: string; createdAt: string }>> {
      const { rows } = await db.query<{ id: string; name: string; created_at: Date }>(
        'SELECT id, name, created_at FROM tenants ORDER BY created_at, id',
      );
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        createdAt: new Date(row.created_at).toISOString(),
      }));
    },

    /** Whether any tenant has an admin key that still works (else nobody can administer). */
    async hasActiveAdminKey(): Promise<boolean> {
      const { rows } = await db.query(
        "SELECT 1 FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1",
      );
      return rows.length > 0;
    },

    async countTenants(): Promise<number> {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants');
      return rows[0]?.n ?? 0;
    },

    /**
     * Issues a new key; the clear key is returned once and only its hash is stored. `key` adopts
     * a key chosen outside (a deployment secret) instead of minting one.
     */
    async issueKey(input: {
      tenantId: string;
      role: Role;
      name: string;
      agentId?: string | undefined;
      key?: string | undefined;
    }): Promise<IssuedKey> {
      if (input.role === 'agent' && !input.agentId) {
        throw new CuecardError(
          'validation_failed',
          'An agent key needs the agentId it belongs to.',
          {
            field: 'agentId',
          },
        );
      }
      const id = `k_${randomUUID().slice(0, 8)}`;
      const key =
        input.key ?? `cc_${input.role.replace('_', '')}_${randomBytes(18).toString('base64url')}`;
      await db.query(
        `INSERT INTO api_keys (id, tenant_id, name, role, agent_id, key_hash, key_prefix)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          id,
          input.tenantId,
          input.name,
          input.role,
          input.agentId ?? null,
          hashKey(key),
          key.slice(0, 12),
        ],
      );
      return { id, key, role: input.role, agentId: input.agentId ?? null, name: input.name };
    },

    async listKeys(tenantId: string) {
      const { rows } = await db.query<{
        id: string;
        name: string;
        role: Role;
        agent_id: string | null;
        key_prefix: string;
        created_at: Date;
        revoked_at: Date | null;
      }>(
        'SELECT id, name, role, agent_id, key_prefix, created_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id',
        [tenantId],
      );
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        role: row.role,
        agentId: row.agent_id,
        prefix: row.key_prefix,
        createdAt: new Date(row.created_at).toISOString(),
        revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
      }));
    },

    /**
     * Each agent id of the tenant with the name of its agent key: what the consoles show instead
     * of the id. An agent with several keys is named by its newest working one; one whose keys
     * are all revoked keeps the name of its last, so old conversations still read by name.
     */
    async agentNames(tenantId: string): Promise<Array<{ agentId: string; name: string }>> {
      const { rows } = await db.query<{ agent_id: string; name: string }>(
        `SELECT DISTINCT ON (agent_id) agent_id, name FROM api_keys
          WHERE tenant_id = $1 AND role = 'agent' AND agent_id IS NOT NULL
          ORDER BY agent_id, (revoked_at IS NULL) DESC, created_at DESC, id DESC`,
        [tenantId],
      );
      return rows.map((row) => ({ agentId: row.agent_id, name: row.name }));
    },

    async revokeKey(tenantId: string, keyId: string): Promise<boolean> {
      const { affectedRows } = await db.query(
        'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL',
        [keyId, tenantId],
      );
      return affectedRows > 0;
    },

    /** Of these key ids, the ones no longer valid (revoked or deleted): their sockets must close. */
    async invalidKeys(keyIds: readonly string[]): Promise<string[]> {
      if (keyIds.length === 0) return [];
      const { rows } = await db.query<{ id: string }>(
        `SELECT k.id FROM unnest($1::text[]) AS k(id)
          WHERE NOT EXISTS (SELECT 1 FROM api_keys a WHERE a.id = k.id AND a.revoked_at IS NULL)`,
        [[...keyIds]],
      );
      return rows.map((row) => row.id);
    },

    /** The principal behind a clear key, or null when it is unknown or revoked. */
    async authenticate(key: string): Promise<Principal | null> {
      const { rows } = await db.query<{
        id: string;
        tenant_id: string;
        role: Role;
        agent_id: string | null;
        name: string;
      }>(
        'SELECT id, tenant_id, role, agent_id, name FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
        [hashKey(key)],
      );
      const row = rows[0];
      return row
        ? {
            keyId: row.id,
            keyName: row.name,
            tenantId: row.tenant_id,
            role: row.role,
            agentId: row.agent_id,
          }
        : null;
    },
  };
}

export type TenantStore = ReturnType<typeof createTenantStore>;
