import type { Database } from '../stores/database.js';
import type { AuditActor, AuditLog } from './audit-log.js';
import { readRetentionSettings, type RetentionSettings } from './retention-settings.js';

/** A tenant's retention settings (`settings.retention`), changed with an audit entry. */
export function createRetentionSettingsStore(db: Database, audit: AuditLog) {
  return {
    async get(tenantId: string): Promise<RetentionSettings> {
      const { rows } = await db.query<{ retention: unknown }>(
        `SELECT settings -> 'retention' AS retention FROM tenants WHERE id = $1`,
        [tenantId],
      );
      return readRetentionSettings(rows[0]?.retention);
    },

    async set(tenantId: string, settings: RetentionSettings, actor: AuditActor): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query(
          `UPDATE tenants SET settings = jsonb_set(settings, '{retention}', $2::jsonb) WHERE id = $1`,
          [tenantId, JSON.stringify(settings)],
        );
        await audit.record(tx, {
          tenantId,
          actor,
          action: 'retention.changed',
          counts: { ...settings },
        });
      });
    },
  };
}
