import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/ws-client.js';

/**
 * One regression test per defect the fuzz suite (edge-fuzz.test.ts) found, each as the user met
 * it: a raw fastify error shape with no field, or an `internal` error for the client's own fault.
 */
describe('defects found by the fuzz suite stay fixed', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  const send = (
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string>,
    payload?: string,
  ) =>
    server.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${server.keys.admin}`, ...headers },
      ...(payload === undefined ? {} : { payload }),
    });

  it('a URL that is not valid percent-encoding is 400 validation_failed on url', async () => {
    for (const url of [
      '/api/articles/%F0%9F',
      '/api/customers/%G1/history',
      '/api/conversations/%ED%A0%80',
    ]) {
      const response = await send('GET', url, {});
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error, url).toMatchObject({ code: 'validation_failed', field: 'url' });
    }
  });

  it('a path segment past the router limit is 414 validation_failed on url', async () => {
    const response = await send('POST', `/api/articles/${'a'.repeat(500)}/publish`, {});
    expect(response.statusCode, response.body).toBe(414);
    expect(response.json().error).toMatchObject({ code: 'validation_failed', field: 'url' });
  });

  it('a JSON body that does not parse is malformed_json on body', async () => {
    const json = { 'content-type': 'application/json' };
    for (const payload of ['{"name":', '', 'nul']) {
      const response = await send('POST', '/api/keys', json, payload);
      expect(response.statusCode, payload).toBe(400);
      expect(response.json().error, payload).toMatchObject({
        code: 'malformed_json',
        field: 'body',
      });
    }
  });

  it('a body of another content type is 415 naming content-type', async () => {
    const response = await send(
      'POST',
      '/api/keys',
      { 'content-type': 'application/xml' },
      '<key/>',
    );
    expect(response.statusCode).toBe(415);
    expect(response.json().error).toMatchObject({
      code: 'validation_failed',
      field: 'content-type',
    });
  });

  it('an empty intent taxonomy is refused naming its first missing field', async () => {
    const put = await server.app.inject({
      method: 'PUT',
      url: '/api/intents',
      headers: { authorization: `Bearer ${server.keys.admin}` },
      payload: {},
    });
    expect(put.statusCode).toBe(400);
    expect(put.json().error).toMatchObject({ code: 'validation_failed', field: 'name' });
  });

  it.each(['/ws/ingest', '/ws/subscribe'] as const)(
    '%s answers a `type` nested 10,000 deep as unknown_message_type and goes on',
    async (path) => {
      const key = path === '/ws/ingest' ? server.keys.connector : server.keys.supervisor;
      const socket = await TestSocket.connect(`${server.wsUrl}${path}`, key);
      try {
        const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
        const error = await socket.request(`{"type":${deep}}`, (m) => m.type === 'error');
        // It was `internal` and retryable: quoting the type overflowed the stack.
        expect(error).toMatchObject({
          code: 'unknown_message_type',
          field: 'type',
          retryable: false,
        });
        expect(String(error.message).length).toBeLessThan(300);
        expect(await socket.request({ type: 'ping' }, (m) => m.type === 'pong')).toBeTruthy();
      } finally {
        await socket.close();
      }
    },
  );
});
