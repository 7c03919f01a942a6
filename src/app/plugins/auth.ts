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

/** Path parameters that can hold personal data (a customer id is often an e-mail or a phone). */
const personalPathParams = new Set(['customerId']);

/**
 * The path as logs may show it. On a matched route, personal parameters are shown by name
 * (`/api/customers/:customerId/history`), other ids as sent; on no route (or the consoles'
 * catch-all), only the first two segments, since the rest is whatever a client typed there.
 */
export function pathForLogs(path: string, route: string | undefined): string {
  const sent = path.split('/');
  if (route === undefined || route.includes('*')) {
    return sent.length > 3 ? `${sent.slice(0, 3).join('/')}/…` : path;
  }
  const pattern = route.split('/');
  // A different shape cannot happen for a matched route; the pattern alone is then the safe line.
  if (pattern.length !== sent.length) return route;
  return pattern
    .map((segment, index) =>
      segment.startsWith(':') && personalPathParams.has(segment.slice(1)) ? segment : sent[index],
    )
    .join('/');
}

/**
 * URL safe for logs: the path ({@link pathForLogs}), and the query's parameter names with every
 * value replaced. Names are matched after decoding, any case, so `?k%65y=`, `?KEY=` or `?key%00=`
 * cannot carry a key into a log line; values are never logged at all (they may be keys, customer
 * ids or text). `route` is the pattern the router matched, when it matched one.
 */
export function urlForLogs(url: string, route?: string): string {
  const at = url.indexOf('?');
  const rawPath = at < 0 ? url : url.slice(0, at);
  const path = pathForLogs(rawPath, route);
  if (at < 0) return path;
  const names = url
    .slice(at + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const raw = pair.split('=')[0] ?? '';
      let name: string;
      try {
        name = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        name = raw;
      }
      // Only plain parameter names are echoed; anything odd is shown as "?".
      return /^[A-Za-z][\w.-]{0,40}$/.test(name) ? `${name}=…` : '?=…';
    });
  return `${path}?${names.join('&')}`;
}

/**
 * The one authentication decision of a request, made on the route the router matched (its
 * pattern, after the router decoded the path), never on the raw request line: `/%77s/subscribe`,
 * `/ws%2Fsubscribe` and an absolute URL (`GET http://host/api/me`) reach the same routes as their
 * plain spelling and need the same key. Public: health, OpenAPI and the consoles' static pages.
 */
export function needsKey(route: string | undefined, publicRoutes: ReadonlySet<string>): boolean {
  if (route === undefined || publicRoutes.has(route)) return false;
  return route.startsWith('/api/') || route.startsWith('/ws/');
}
