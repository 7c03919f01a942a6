import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readJson } from './local-files.js';
import type { TenantStore } from '../tenancy/tenant-store.js';
import type { Role } from '../tenancy/roles.js';

export interface DevKeys {
  tenantId: string;
  keys: Record<Role, string>;
  agentId: string;
}

export const DEV_TENANT_ID = 'dev';
export const DEV_AGENT_ID = 'agent-1';

/**
 * On the first start of an embedded install, a development tenant with one key per role.
 * Keys are stored hashed in the database; the clear keys are kept in a file inside the data
 * folder (mode 600) so that later starts, and `npm run demo`, can read them again. Never used
 * for real tenants. `legacyKeysFile`: where an older version kept them; moved on first read.
 */
export async function ensureDevTenant(
  tenants: TenantStore,
  keysFile: string,
  legacyKeysFile?: string,
): Promise<DevKeys | null> {
  const existing = await tenants.getTenant(DEV_TENANT_ID);
  if (existing) {
    const kept = await readJson<DevKeys>(keysFile);
    if (kept || !legacyKeysFile) return kept;
    // Keys from before they moved: carried over once, so the data folder alone holds them.
    const legacy = await readJson<DevKeys>(legacyKeysFile);
    if (legacy) {
      await writeKeys(keysFile, legacy);
      await rm(legacyKeysFile, { force: true });
    }
    // Null when both are gone: the tenant stays, its clear keys cannot be shown.
    return legacy;
  }
  if ((await tenants.countTenants()) > 0) return null;
  await tenants.createTenant({ id: DEV_TENANT_ID, name: 'Development tenant' });
  const roles: Role[] = ['admin', 'connector', 'agent', 'supervisor', 'knowledge_manager'];
  const keys = {} as Record<Role, string>;
  for (const role of roles) {
    const issued = await tenants.issueKey({
      tenantId: DEV_TENANT_ID,
      role,
      name: `dev ${role}`,
      ...(role === 'agent' ? { agentId: DEV_AGENT_ID } : {}),
    });
    keys[role] = issued.key;
  }
  const devKeys: DevKeys = { tenantId: DEV_TENANT_ID, keys, agentId: DEV_AGENT_ID };
  await writeKeys(keysFile, devKeys);
  return devKeys;
}

async function writeKeys(keysFile: string, devKeys: DevKeys): Promise<void> {
  await mkdir(path.dirname(keysFile), { recursive: true });
  await writeFile(keysFile, JSON.stringify(devKeys, null, 2), { mode: 0o600 });
}
