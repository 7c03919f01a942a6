import type {
  ConversationItem,
  ConversationRecord,
  CuecardEvent,
  Identity,
  Role,
} from './live/types.js';

/** An HTTP answer other than 2xx, with the service's error code and message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

export async function apiFetch<T>(key: string, path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });
  } catch (error) {
    throw new ApiError(
      0,
      'network',
      'The Cuecard service cannot be reached. Check your connection and try again.',
      {
        cause: error,
      },
    );
  }
  if (!response.ok) {
    let code = `http_${response.status}`;
    let message = `The service answered ${response.status}.`;
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      if (body.error?.code) code = body.error.code;
      if (body.error?.message) message = body.error.message;
    } catch {
      // Not JSON (a proxy's page, say): the status is all we know.
    }
    throw new ApiError(response.status, code, message);
  }
  return (await response.json()) as T;
}

export interface ConversationPage {
  conversations: ConversationRecord[];
  nextCursor: string | null;
}

export interface ConversationDetail {
  conversation: ConversationRecord;
  transcript: ConversationItem[];
  events: CuecardEvent[];
}

export function listConversations(
  key: string,
  query: Record<string, string | undefined>,
): Promise<ConversationPage> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  return apiFetch<ConversationPage>(key, `/api/conversations?${params.toString()}`);
}

export function getConversation(key: string, id: string): Promise<ConversationDetail> {
  return apiFetch<ConversationDetail>(key, `/api/conversations/${encodeURIComponent(id)}`);
}

export type FeedbackVerdict = 'helpful' | 'not_helpful' | 'dismissed';

export interface FeedbackInput {
  suggestionId: string;
  conversationId: string;
  kind: string;
  articleId?: string;
  verdict: FeedbackVerdict;
}

export async function sendFeedback(key: string, feedback: FeedbackInput): Promise<void> {
  await apiFetch<unknown>(key, '/api/feedback', { method: 'POST', body: JSON.stringify(feedback) });
}

const statusOf = async (key: string, path: string): Promise<number> => {
  try {
    await apiFetch<unknown>(key, path);
    return 200;
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
};

/**
 * Who the key is. `GET /api/me` answers directly; a service without it is probed with two
 * read-only requests whose permissions differ by role (agent: own conversations only;
 * supervisor/admin: also the tenant's; knowledge manager: the tenant's but not "own").
 */
export async function whoAmI(key: string): Promise<Identity> {
  try {
    const me = await apiFetch<{
      tenantId: string;
      tenantName?: string;
      role: Role;
      agentId: string | null;
      name?: string;
      keyId?: string;
    }>(key, '/api/me');
    return {
      tenantId: me.tenantId,
      tenantName: me.tenantName ?? null,
      role: me.role,
      agentId: me.agentId ?? null,
      name: me.name ?? null,
      keyId: me.keyId ?? null,
    };
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 405)) throw error;
  }
  const own = await statusOf(key, '/api/conversations?limit=1');
  if (own === 401)
    throw new ApiError(401, 'unauthenticated', 'This API key is unknown or revoked.');
  const tenantWide = await statusOf(key, '/api/customers/__probe__/history?limit=1');
  if (own === 200 && tenantWide === 200)
    return {
      tenantId: null,
      tenantName: null,
      role: 'supervisor',
      agentId: null,
      name: null,
      keyId: null,
    };
  if (own === 200)
    return {
      tenantId: null,
      tenantName: null,
      role: 'agent',
      agentId: null,
      name: null,
      keyId: null,
    };
  if (tenantWide === 200)
    return {
      tenantId: null,
      tenantName: null,
      role: 'knowledge_manager',
      agentId: null,
      name: null,
      keyId: null,
    };
  if (own === 403 && tenantWide === 403)
    return {
      tenantId: null,
      tenantName: null,
      role: 'connector',
      agentId: null,
      name: null,
      keyId: null,
    };
  throw new ApiError(own, 'unavailable', `The service answered ${own}; try again in a moment.`);
}

export interface AgentName {
  agentId: string;
  name: string;
}

/** The names of the tenant's agents (their agent keys' names), for showing instead of ids. */
export async function listAgentNames(key: string): Promise<AgentName[]> {
  return (await apiFetch<{ agents: AgentName[] }>(key, '/api/people')).agents;
}

export interface KeyRecord {
  id: string;
  name: string;
  role: Role;
  agentId: string | null;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface IssuedKey {
  id: string;
  key: string;
  role: Role;
  agentId: string | null;
  name: string;
}

export async function listKeys(key: string): Promise<KeyRecord[]> {
  return (await apiFetch<{ keys: KeyRecord[] }>(key, '/api/keys')).keys;
}

export function issueKey(
  key: string,
  input: { name: string; role: Role; agentId?: string },
): Promise<IssuedKey> {
  return apiFetch<IssuedKey>(key, '/api/keys', { method: 'POST', body: JSON.stringify(input) });
}

export async function revokeKey(key: string, id: string): Promise<void> {
  await apiFetch<unknown>(key, `/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
