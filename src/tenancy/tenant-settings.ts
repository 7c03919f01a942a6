import type { Database } from '../stores/database.js';
import { createTenantStore, type TenantSettings } from './tenant-store.js';

const TTL_MS = 30_000;

/**
 * Tenant settings for the hot path (redaction mode, alert rules...), cached briefly per process;
 * the database stays the truth, so a change reaches every instance within the TTL.
 */
export function createTenantSettingsCache(db: Database, ttlMs = TTL_MS) {
  const tenants = createTenantStore(db);
  const cache = new Map<string, { settings: TenantSettings; at: number }>();
  return async function settingsOf(tenantId: string): Promise<TenantSettings> {
    const hit = cache.get(tenantId);
    if (hit && Date.now() - hit.at < ttlMs) return hit.settings;
    const settings = (await tenants.getTenant(tenantId))?.settings ?? {};
    cache.set(tenantId, { settings, at: Date.now() });
    return settings;
  };
}

export type TenantSettingsLookup = ReturnType<typeof createTenantSettingsCache>;
