import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkWebhookUrl, OutboundError, postJson } from './outbound-request.js';
import { isPrivateAddress } from './address-policy.js';
import { signatureOf, verifySignature } from './signature.js';
import { nextAttemptAt, DEFAULT_RETRY } from './retry-schedule.js';

describe('one webhook request', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      request.resume();
      if (request.url === '/redirect') {
        response.writeHead(302, { location: '/target' });
        return response.end();
      }
      if (request.url === '/big') {
        response.writeHead(200);
        return response.end('x'.repeat(1_000_000));
      }
      if (request.url === '/slow') return; // never answers
      response.writeHead(200);
      response.end('fine');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const options = { timeoutMs: 300, maxResponseBytes: 65_536, allowPrivate: true };

  it('does not follow a redirect: the 3xx is the answer', async () => {
    const response = await postJson(`${base}/redirect`, '{}', {}, options);
    expect(response.status).toBe(302);
    expect(hits).not.toContain('/target');
  });

  it('reads at most 64 KiB of an answer', async () => {
    const response = await postJson(`${base}/big`, '{}', {}, options);
    expect(response.body.length).toBe(65_536);
    expect(response.truncated).toBe(true);
  });

  it('gives up on an endpoint that does not answer in time', async () => {
    const started = Date.now();
    await expect(postJson(`${base}/slow`, '{}', {}, options)).rejects.toMatchObject({
      reason: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a loopback target unless private targets are allowed', async () => {
    await expect(
      postJson(`${base}/ok`, '{}', {}, { ...options, allowPrivate: false }),
    ).rejects.toBeInstanceOf(OutboundError);
    expect(() => checkWebhookUrl('http://localhost./x', false)).toThrow(/private or loopback/);
    expect(checkWebhookUrl('https://crm.example.com/hooks', false).hostname).toBe(
      'crm.example.com',
    );
  });
});

describe('address policy', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.0.0.8', true],
    ['172.20.1.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['2606:4700:4700::1111', false],
  ])('%s private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('signatures', () => {
  it('verifies what it signs, and nothing else', () => {
    const header = signatureOf('s3cret-s3cret-s3cret', 1_800_000_000, '{"a":1}');
    const at = { nowSeconds: 1_800_000_010 };
    expect(verifySignature(header, '{"a":1}', 's3cret-s3cret-s3cret', at)).toBe(true);
    expect(verifySignature(header, '{"a":2}', 's3cret-s3cret-s3cret', at)).toBe(false);
    expect(verifySignature(header, '{"a":1}', 'other-secret-value', at)).toBe(false);
    // A captured delivery replayed an hour later is refused.
    expect(
      verifySignature(header, '{"a":1}', 's3cret-s3cret-s3cret', { nowSeconds: 1_800_003_600 }),
    ).toBe(false);
    expect(verifySignature('t=1,v1=zz', '{}', 'x')).toBe(false);
  });
});

describe('retry schedule', () => {
  it('backs off exponentially with jitter and gives up after more than a day', () => {
    const created = new Date('2026-12-01T00:00:00Z');
    let now = created;
    let attempts = 0;
    const delays: number[] = [];
    for (;;) {
      attempts += 1;
      const next = nextAttemptAt(DEFAULT_RETRY, attempts, created, now, () => 0.5);
      if (!next) break;
      delays.push(next.getTime() - now.getTime());
      now = next;
    }
    expect(delays[0]).toBe(22_500);
    expect(delays[1]).toBe(45_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(3_600_000);
    expect(now.getTime() - created.getTime()).toBeGreaterThan(24 * 3_600_000);
    expect(attempts).toBeLessThanOrEqual(45);
  });
});
