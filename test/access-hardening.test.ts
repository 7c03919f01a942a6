import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlForLogs } from '../src/app/plugins/auth.js';
import { KEY_REVOKED_CLOSE_CODE } from '../src/app/ws/key-watch.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

/** Sends one raw HTTP request line (as a hostile client can) and answers the status code. */
function rawStatus(port: number, requestLine: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`${requestLine}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
    );
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('no way in without a key', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer();
    port = Number(new URL(server.httpUrl).port);
  });
  afterAll(async () => server?.close());

  it('refuses sockets on every spelling of the socket paths', async () => {
    for (const path of [
      '/ws/subscribe',
      '/%77s/subscribe',
      '/%77%73/subscribe',
      '/ws%2Fsubscribe',
      '/ws/%73ubscribe',
      '/ws%2Fingest',
      '/%77s/ingest',
    ]) {
      // Refused: 401 where the path reaches a socket endpoint, 404 where it reaches none.
      const refused = await TestSocket.refusal(`${server.wsUrl}${path}`);
      expect([401, 404], path).toContain(refused.status);
    }
  });

  it('refuses REST calls on encoded paths and in absolute-URL request lines', async () => {
    expect(await rawStatus(port, 'GET /%61pi/me HTTP/1.1')).toBe(401);
    expect(await rawStatus(port, 'GET /api%2Fme HTTP/1.1')).not.toBe(200);
    expect(await rawStatus(port, `GET http://127.0.0.1:${port}/api/me HTTP/1.1`)).toBe(401);
    expect(await rawStatus(port, `GET http://127.0.0.1:${port}/api/conversations HTTP/1.1`)).toBe(
      401,
    );
    // Public pages stay public.
    expect(await rawStatus(port, 'GET /healthz HTTP/1.1')).toBe(200);
  });

  it('closes the sockets of a revoked key within a second, with close code 4401', async () => {
    const issued = await server.call('POST', '/api/keys', server.keys.admin, {
      name: 'short-lived',
      role: 'supervisor',
    });
    const { id, key } = issued.json() as { id: string; key: string };
    const subscriber = await TestSocket.connect(`${server.wsUrl}/ws/subscribe`, key);
    await subscriber.request(
      { type: 'subscribe', scope: 'tenant' },
      (m) => m.type === 'subscribed',
    );
    const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
      subscriber.socket.once('close', (code, reason) =>
        resolve({ code, reason: reason.toString(), at: Date.now() }),
      ),
    );
    const revokedAt = Date.now();
    expect((await server.call('DELETE', `/api/keys/${id}`, server.keys.admin)).statusCode).toBe(
      200,
    );
    const { code, reason, at } = await closed;
    expect(code).toBe(KEY_REVOKED_CLOSE_CODE);
    expect(reason).toBe('API key revoked');
    expect(at - revokedAt).toBeLessThan(1_000);
    // And it cannot come back.
    expect((await TestSocket.refusal(`${server.wsUrl}/ws/subscribe?key=${key}`)).status).toBe(401);
  });

  it('lets each role do what the README says it may, and nothing more', async () => {
    const status = async (key: string, method: 'GET' | 'POST', url: string, body?: object) =>
      (await server.call(method, url, key, body)).statusCode;
    const { keys } = server;
    // connector: streams in; reads nothing.
    expect(await status(keys.connector, 'GET', '/api/conversations')).toBe(403);
    expect(
      (await TestSocket.refusal(`${server.wsUrl}/ws/subscribe?key=${keys.connector}`)).status,
    ).toBe(403);
    // agent: its own conversations, feedback, knowledge search; no QA, no keys.
    expect(await status(keys.agent, 'GET', '/api/conversations')).toBe(200);
    expect(await status(keys.agent, 'GET', '/api/qa/conversations')).toBe(403);
    expect(await status(keys.agent, 'GET', '/api/keys')).toBe(403);
    // supervisor: the tenant's conversations and QA review; no key administration.
    expect(await status(keys.supervisor, 'GET', '/api/conversations')).toBe(200);
    expect(await status(keys.supervisor, 'GET', '/api/qa/conversations')).toBe(200);
    expect(await status(keys.supervisor, 'GET', '/api/keys')).toBe(403);
    // knowledge manager: curates articles and reads the tenant's conversations (was 403).
    expect(await status(keys.knowledgeManager, 'GET', '/api/conversations')).toBe(200);
    expect(await status(keys.knowledgeManager, 'GET', '/api/qa/conversations')).toBe(403);
    // admin: everything in its tenant.
    expect(await status(keys.admin, 'GET', '/api/keys')).toBe(200);
    expect(await status(keys.admin, 'GET', '/api/conversations')).toBe(200);
  });
});

describe('keys never reach a log line', () => {
  it('logs parameter names only, whatever their spelling', () => {
    for (const url of [
      '/ws/subscribe?key=ck_secret_1',
      '/ws/subscribe?k%65y=ck_secret_1',
      '/ws/subscribe?%6Bey=ck_secret_1',
      '/ws/subscribe?KEY=ck_secret_1',
      '/ws/subscribe?key%00=ck_secret_1',
      '/api/conversations?limit=10&key=ck_secret_1#frag',
      '/ws/subscribe?%E0%A4%A=ck_secret_1',
    ]) {
      expect(urlForLogs(url), url).not.toContain('ck_secret_1');
    }
    expect(urlForLogs('/ws/subscribe?k%65y=x&limit=5')).toBe('/ws/subscribe?key=…&limit=…');
  });
});
