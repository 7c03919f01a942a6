import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
 * Keys are stored hashed in the database; the clear keys are kept in a file next to the data
 * folder (mode 600) so that later starts can print them again. Never used for real tenants.
 */
export async function ensureDevTenant(
  tenants: TenantStore,
  keysFile: string,
): Promise<DevKeys | null> {
  const existing = await tenants.getTenant(DEV_TENANT_ID);
  if (existing) {
    try {
      return JSON.parse(await readFile(keysFile, 'utf8')) as DevKeys;
    } catch {
      // The keys file is gone or unreadable: the tenant stays, its clear keys cannot be shown.
      return null;
    }
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
  await mkdir(path.dirname(keysFile), { recursive: true });
  await writeFile(keysFile, JSON.stringify(devKeys, null, 2), { mode: 0o600 });
  return devKeys;
}
