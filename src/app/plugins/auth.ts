import type { FastifyRequest } from 'fastify';
import { CuecardError } from '../../errors/cuecard-error.js';
import { can, type Permission, type Principal } from '../../tenancy/roles.js';
import type { TenantStore } from '../../tenancy/tenant-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Reads the key from `Authorization: Bearer`, `x-api-key`, or `?key=` (browsers' WebSockets cannot set headers). */
export function keyFrom(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey;
  const query = request.query as { key?: unknown } | undefined;
  return typeof query?.key === 'string' && query.key ? query.key : undefined;
}

export async function authenticate(
  tenants: TenantStore,
  request: FastifyRequest,
): Promise<Principal> {
  const key = keyFrom(request);
  if (!key) {
    throw new CuecardError(
      'unauthenticated',
      'No API key: send "Authorization: Bearer <key>" (or ?key=<key> for WebSockets).',
    );
  }
  const principal = await tenants.authenticate(key);
  if (!principal) throw new CuecardError('unauthenticated', 'The API key is unknown or revoked.');
  return principal;
}

export function authorize(request: FastifyRequest, permission: Permission): Principal {
  const principal = request.principal;
  if (!principal)
    throw new CuecardError('unauthenticated', 'No API key was checked for this request.');
  if (!can(principal, permission)) {
    throw new CuecardError(
      'forbidden',
      `A ${principal.role} key may not do this (needs "${permission}").`,
    );
  }
  return principal;
}

/** URL safe for logs: the API key query parameter is removed. */
export function urlForLogs(url: string): string {
  return url.replace(/([?&])key=[^&]*/g, '$1key=[redacted]');
}
