import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isLocalHostName, isPrivateAddress } from './address-policy.js';

export interface OutboundOptions {
  /** Whole request, connection to last byte read. */
  timeoutMs: number;
  /** Response bytes kept (the rest is not read). */
  maxResponseBytes: number;
  allowPrivate: boolean;
}

export interface OutboundResponse {
  status: number;
  /** At most `maxResponseBytes` of the body, as text. */
  body: string;
  truncated: boolean;
}

/** Why a request could not be made or finished; `reason` is safe to store and show. */
export class OutboundError extends Error {
  constructor(
    readonly reason: 'private_address' | 'timeout' | 'network' | 'invalid_url',
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

/**
 * The URL check made at registration and again before each request: http(s) only, no
 * credentials in it, and (unless allowed) no private address written as its host.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError('invalid_url', 'not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new OutboundError('invalid_url', 'only http and https URLs are delivered to');
  if (url.username || url.password)
    throw new OutboundError(
      'invalid_url',
      'credentials in the URL are not allowed; use the secret',
    );
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (isLocalHostName(host) || (isIP(host) && isPrivateAddress(host))))
    throw new OutboundError(
      'private_address',
      `${host} is a private or loopback address (set CUECARD_WEBHOOKS_ALLOW_PRIVATE=true to allow it)`,
    );
  return url;
}

/**
 * Resolves like the default lookup, then refuses private addresses: checked at connection time,
 * so a name that resolves to a public address at registration and a private one later (DNS
 * rebinding) is still refused.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const refused = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (refused)
        return callback(
          new OutboundError('private_address', `${hostname} resolves to a private address`),
          '',
          0,
        );
      if (options.all) return callback(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/**
 * One POST, as webhooks need it: redirects are not followed (a 3xx is the answer), the response is
 * read up to a limit, and the whole exchange has a deadline.
 */
export async function postJson(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  options: OutboundOptions,
): Promise<OutboundResponse> {
  const url = checkWebhookUrl(rawUrl, options.allowPrivate);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'Cuecard-Webhooks/1',
        ...headers,
      },
      lookup: guardedLookup(options.allowPrivate),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    request.on('error', (error: Error & { code?: string }) => {
      if (error instanceof OutboundError) return reject(error);
      if (
        error.name === 'AbortError' ||
        error.name === 'TimeoutError' ||
        error.code === 'ABORT_ERR'
      )
        return reject(new OutboundError('timeout', `no answer within ${options.timeoutMs} ms`));
      reject(new OutboundError('network', error.code ?? error.message));
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      response.on('data', (chunk: Buffer) => {
        if (kept >= options.maxResponseBytes) {
          truncated = true;
          response.destroy();
          return;
        }
        const room = options.maxResponseBytes - kept;
        chunks.push(chunk.subarray(0, room));
        kept += Math.min(room, chunk.length);
        if (chunk.length > room) truncated = true;
      });
      const finish = () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
        });
      response.on('end', finish);
      response.on('close', finish);
      response.on('error', () => finish());
    });
    request.end(body);
  });
}
