import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { TestSocket } from '../../../test/support/ws-client.js';
import { CuecardError } from '../../errors/cuecard-error.js';
import { runMessageLoop } from './message-loop.js';
import { send } from './socket-errors.js';

const schema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('work'), id: z.string(), ms: z.number().int().min(0) }),
  z.object({ type: z.literal('fail'), id: z.string() }),
]);

describe('runMessageLoop', () => {
  let server: WebSocketServer | undefined;
  let client: TestSocket | undefined;
  afterEach(async () => {
    client?.socket.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A real socket pair; the server side runs the loop with a handler that echoes `done`. */
  async function connect(
    logged: string[] = [],
    laneOf?: (message: z.infer<typeof schema>) => string,
  ): Promise<TestSocket> {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (socket) =>
      runMessageLoop(socket, {
        schema,
        knownTypes: ['work', 'fail'],
        maxFrameBytes: 1024,
        async handle(message) {
          if (message.type === 'fail')
            throw new CuecardError('not_found', 'nothing by that id', { field: 'id' });
          await new Promise((resolve) => setTimeout(resolve, message.ms));
          send(socket, { type: 'done', id: message.id });
        },
        contextOf: (message) => ({ id: message.id }),
        ...(laneOf ? { laneOf } : {}),
        log: (_details, message) => logged.push(message),
      }),
    );
    await new Promise((resolve) => server!.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    client = await TestSocket.connect(`ws://127.0.0.1:${port}`);
    return client;
  }

  it('handles one message at a time, in arrival order, however long each takes', async () => {
    const socket = await connect();
    socket.send({ type: 'work', id: 'slow', ms: 60 });
    socket.send({ type: 'work', id: 'fast', ms: 0 });
    await socket.next((m) => m.type === 'done' && m.id === 'fast');
    expect(socket.messages.map((m) => m.id)).toEqual(['slow', 'fast']);
  });

  it('answers a faulty message with an error frame and keeps the socket for the next', async () => {
    const logged: string[] = [];
    const socket = await connect(logged);
    socket.send('{not json');
    socket.send({ type: 'work', id: 'x', ms: 'soon' });
    socket.send({ type: 'fail', id: 'gone' });
    socket.socket.send(Buffer.from([1, 2, 3]));
    socket.send({ type: 'work', id: 'after', ms: 0 });
    await socket.next((m) => m.type === 'done');
    expect(socket.messages).toEqual([
      expect.objectContaining({ type: 'error', code: 'malformed_json', retryable: false }),
      expect.objectContaining({ type: 'error', code: 'validation_failed', field: 'ms' }),
      expect.objectContaining({ type: 'error', code: 'not_found', field: 'id', id: 'gone' }),
      // A binary frame names the whole message as its field (the fuzz suite found it unnamed).
      expect.objectContaining({ type: 'error', code: 'validation_failed', field: 'message' }),
      { type: 'done', id: 'after' },
    ]);
    // Faults of the message are the client's to fix: nothing to log.
    expect(logged).toEqual([]);
  });

  it('with lanes, a slow lane does not hold up another, and each lane keeps its order', async () => {
    // Lane = the part of the id before the colon (a connector's conversation).
    const socket = await connect([], (message) => message.id.split(':')[0]!);
    socket.send({ type: 'work', id: 'a:1', ms: 150 });
    socket.send({ type: 'work', id: 'a:2', ms: 0 });
    socket.send({ type: 'work', id: 'b:1', ms: 0 });
    socket.send({ type: 'work', id: 'b:2', ms: 0 });
    await socket.next((m) => m.type === 'done' && m.id === 'a:2');
    expect(socket.messages.map((m) => m.id)).toEqual(['b:1', 'b:2', 'a:1', 'a:2']);
  });
});
