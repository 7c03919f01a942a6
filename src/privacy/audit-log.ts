import type { Queryable } from '../stores/database.js';

/** Who acted: an API key (its id and label), or the service itself (the retention purge). */
export interface AuditActor {
  keyId: string | null;
  keyName: string;
}

export interface AuditEntry {
  id: number;
  actor: AuditActor;
  action: AuditAction;
  /** What was acted on, never personal data as sent (an erased customer is a digest). */
  subject: string | null;
  /** Rows removed per kind ("conversations": 3, "events": 120...). */
  counts: Record<string, number>;
  createdAt: string;
}

export type AuditAction = 'customer.erased' | 'retention.purged' | 'retention.changed';

interface AuditRow {
  id: number;
  actor_key_id: string | null;
  actor_key_name: string;
  action: AuditAction;
  subject: string | null;
  counts: Record<string, number>;
  created_at: Date | string;
}

/**
 * The tenant's audit trail of erasures, purges and retention changes. `record` takes the caller's
 * transaction, so an entry commits with what it describes or not at all.
 */
export function createAuditLog(db: Queryable) {
  return {
    async record(
      tx: Queryable,
      entry: {
        tenantId: string;
        actor: AuditActor;
        action: AuditAction;
        subject?: string | null;
        counts: Record<string, number>;
      },
    ): Promise<void> {
      await tx.query(
        `INSERT INTO audit_log (tenant_id, actor_key_id, actor_key_name, action, subject, counts)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          entry.tenantId,
          entry.actor.keyId,
          entry.actor.keyName,
          entry.action,
          entry.subject ?? null,
          JSON.stringify(entry.counts),
        ],
      );
    },

    /** Newest first; `before` (an entry id) pages back. */
    async list(
      tenantId: string,
      options: { limit: number; before?: number },
    ): Promise<AuditEntry[]> {
      const { rows } = await db.query<AuditRow>(
        `SELECT id, actor_key_id, actor_key_name, action, subject, counts, created_at
           FROM audit_log
          WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id < $2)
          ORDER BY created_at DESC, id DESC
          LIMIT $3`,
        [tenantId, options.before ?? null, options.limit],
      );
      return rows.map((row) => ({
        id: Number(row.id),
        actor: { keyId: row.actor_key_id, keyName: row.actor_key_name },
        action: row.action,
        subject: row.subject,
        counts: row.counts,
        createdAt: new Date(row.created_at).toISOString(),
      }));
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
