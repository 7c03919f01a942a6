import WebSocket from 'ws';

export type Message = Record<string, unknown> & { type: string };

/** A real `ws` client that records every message and lets a test wait for the one it expects. */
export class TestSocket {
  readonly messages: Message[] = [];
  private waiters: Array<{
    predicate: (m: Message) => boolean;
    resolve: (m: Message) => void;
    from: number;
  }> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Message;
      this.messages.push(message);
      this.waiters = this.waiters.filter((waiter) => {
        if (waiter.predicate(message)) {
          waiter.resolve(message);
          return false;
        }
        return true;
      });
    });
  }

  static async connect(url: string, key?: string): Promise<TestSocket> {
    const socket = new WebSocket(
      key ? `${url}${url.includes('?') ? '&' : '?'}key=${encodeURIComponent(key)}` : url,
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`handshake refused: ${response.statusCode}`)),
      );
    });
    return new TestSocket(socket);
  }

  /** The HTTP status a refused handshake got. */
  static async refusal(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => reject(new Error('handshake was accepted')));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      socket.once('error', () => undefined);
    });
  }

  send(message: Record<string, unknown> | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits for the next matching message (also one already received since `from`). */
  next(predicate: (m: Message) => boolean, timeoutMs = 10_000, from = 0): Promise<Message> {
    const seen = this.messages.slice(from).find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; received: ${JSON.stringify(this.messages.slice(-5))}`)),
        timeoutMs,
      );
      this.waiters.push({
        predicate,
        from,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  /** Sends and waits for the next message matching `predicate` that arrives after sending. */
  async request(
    message: Record<string, unknown> | string,
    predicate: (m: Message) => boolean,
  ): Promise<Message> {
    const from = this.messages.length;
    const waiting = this.next(predicate, 10_000, from);
    this.send(message);
    return waiting;
  }

  events(): Array<Record<string, unknown> & { type: string; id: number | null }> {
    return this.messages
      .filter((m) => m.type === 'event')
      .map((m) => m.event as Record<string, unknown> & { type: string; id: number | null });
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
