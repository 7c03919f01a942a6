import type { Database } from '../stores/database.js';
import { createTenantStore } from '../tenancy/tenant-store.js';

export interface BootstrapAdmin {
  tenantId: string;
  keyId: string;
  /** The clear key when this start minted it (shown once); null when it came from the secret. */
  mintedKey: string | null;
}

/**
 * A server database nobody can administer (no admin key in any tenant: a fresh `docker compose
 * up`, or every admin key revoked) gets one tenant and one admin key, so an operator can reach
 * `POST /api/keys` at all. The key is `adminKey` when the deployment provides that secret, else a
 * new one the caller prints once. Instances starting together take an advisory lock first: one
 * of them bootstraps, the others find the key.
 */
export async function ensureBootstrapAdmin(
  db: Database,
  options: { tenantName: string; adminKey: string | undefined },
): Promise<BootstrapAdmin | null> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('cuecard:bootstrap-admin'))");
    const tenants = createTenantStore(tx);
    if (await tenants.hasActiveAdminKey()) return null;
    const existing = (await tenants.listTenants())[0];
    const tenant = existing ?? (await tenants.createTenant({ name: options.tenantName }));
    const issued = await tenants.issueKey({
      tenantId: tenant.id,
      role: 'admin',
      name: 'bootstrap admin',
      key: options.adminKey,
    });
    return {
      tenantId: tenant.id,
      keyId: issued.id,
      mintedKey: options.adminKey ? null : issued.key,
    };
  });
}

/**
 * What `npm start` prints about it: the minted key once, on stdout, never through the logger. An
 * operator who lost it revokes it with `npm run admin -- key revoke` and mints another.
 */
export function bootstrapNotes(bootstrap: BootstrapAdmin): string[] {
  if (!bootstrap.mintedKey) {
    return [
      `  Tenant ${bootstrap.tenantId}: its admin key (${bootstrap.keyId}) is CUECARD_BOOTSTRAP_ADMIN_KEY.`,
    ];
  }
  return [
    `  Tenant ${bootstrap.tenantId} has its first admin key (${bootstrap.keyId}), shown this once:`,
    `    ${bootstrap.mintedKey}`,
    '  Keep it in a secret store. More keys: POST /api/keys, or npm run admin -- key create.',
  ];
}
