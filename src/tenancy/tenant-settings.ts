import type { Database } from '../stores/database.js';
import { createTenantStore, type TenantSettings } from './tenant-store.js';

const TTL_MS = 30_000;

/**
 * Tenant settings for the hot path (redaction mode, alert rules...), cached per process. A change
 * made anywhere calls `forget` (src/stores/config-changes.ts, within about a second); the TTL is
 * only a backstop for a process that runs without that watcher.
 */
export function createTenantSettingsCache(db: Database, ttlMs = TTL_MS) {
  const tenants = createTenantStore(db);
  // The read in flight is cached, so `forget` during a read also drops what that read returns.
  const cache = new Map<string, { settings: Promise<TenantSettings>; at: number }>();
  const settingsOf = async (tenantId: string): Promise<TenantSettings> => {
    const hit = cache.get(tenantId);
    if (hit && Date.now() - hit.at < ttlMs) return hit.settings;
    const settings = tenants.getTenant(tenantId).then((tenant) => tenant?.settings ?? {});
    const entry = { settings, at: Date.now() };
    cache.set(tenantId, entry);
    settings.catch(() => cache.get(tenantId) === entry && cache.delete(tenantId));
    return settings;
  };
  return Object.assign(settingsOf, {
    forget(tenantId: string): void {
      cache.delete(tenantId);
    },
  });
}

export type TenantSettingsLookup = ReturnType<typeof createTenantSettingsCache>;
