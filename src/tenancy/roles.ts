/** Who a caller is, once their API key has been checked. */
export const roles = ['connector', 'agent', 'supervisor', 'knowledge_manager', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  keyId: string;
  /** The key's label ("Mei Chen", "QA team"): what people see, never the key id. */
  keyName: string;
  tenantId: string;
  role: Role;
  /** Set for agent keys: they see only this agent's conversations. */
  agentId: string | null;
}

/** What each role may do. Admin may do everything. */
export type Permission =
  | 'ingest'
  | 'read:own-conversations'
  | 'read:tenant-conversations'
  | 'feedback'
  | 'qa:review'
  | 'knowledge:read'
  | 'knowledge:write'
  | 'tenant:admin';

const grants: Record<Role, readonly Permission[]> = {
  connector: ['ingest'],
  agent: ['read:own-conversations', 'feedback', 'knowledge:read'],
  supervisor: [
    'read:own-conversations',
    'read:tenant-conversations',
    'qa:review',
    'feedback',
    'knowledge:read',
  ],
  knowledge_manager: ['knowledge:read', 'knowledge:write', 'read:tenant-conversations'],
  admin: [
    'ingest',
    'read:own-conversations',
    'read:tenant-conversations',
    'feedback',
    'qa:review',
    'knowledge:read',
    'knowledge:write',
    'tenant:admin',
  ],
};

export function can(principal: Principal, permission: Permission): boolean {
  // Who may read every conversation of the tenant may read the ones of its own agent too (a
  // knowledge manager reads conversations to find what needs an article).
  if (
    permission === 'read:own-conversations' &&
    grants[principal.role].includes('read:tenant-conversations')
  )
    return true;
  return grants[principal.role].includes(permission);
}

/** Whether the principal may read one conversation handled by `agentId`. */
export function canReadConversation(principal: Principal, agentId: string | null): boolean {
  if (can(principal, 'read:tenant-conversations')) return true;
  return principal.role === 'agent' && agentId !== null && principal.agentId === agentId;
}
