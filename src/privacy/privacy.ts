import type { Database } from '../stores/database.js';
import { errorSummary } from '../errors/error-summary.js';
import { createAuditLog } from './audit-log.js';
import { createCustomerErasure } from './customer-erasure.js';
import { createRetentionPurge, scheduleRetention } from './retention-purge.js';
import { createRetentionSettingsStore } from './retention-settings-store.js';

export interface PrivacyOptions {
  db: Database;
  storedCustomerId(tenantId: string, customerId: string): Promise<string>;
  retentionIntervalMs: number;
  logger: { warn(details: Record<string, unknown>, message: string): void };
}

/** Erasure, retention and the audit trail of both, with the purge scheduled on this instance. */
export function createPrivacy(options: PrivacyOptions) {
  const { db } = options;
  const audit = createAuditLog(db);
  const purgeRetention = createRetentionPurge({ db, audit });
  const schedule = scheduleRetention(purgeRetention, {
    intervalMs: options.retentionIntervalMs,
    onError: (error) => options.logger.warn({ err: errorSummary(error) }, 'retention purge failed'),
  });
  return {
    audit,
    eraseCustomer: createCustomerErasure({
      db,
      audit,
      storedCustomerId: options.storedCustomerId,
    }),
    retention: createRetentionSettingsStore(db, audit),
    /** One purge now (tests, operators); the schedule runs it every interval anyway. */
    purgeRetention,
    stop: () => schedule.stop(),
  };
}

export type Privacy = ReturnType<typeof createPrivacy>;
