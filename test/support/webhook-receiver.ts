import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/integrations/webhooks/signature.js';
import type {
  WebhookBody,
  WebhookEventType,
} from '../../src/integrations/webhooks/webhook-types.js';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether `Cuecard-Signature` signs the body with the receiver's secret. */
  signed: boolean;
}

/**
 * A CRM stand-in: a real HTTP server on a loopback port that records what it is sent and answers
 * with what the test scripts (`answer`). It can go down and come back on the same port.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Status to answer each request with, in order; then 200. */
  answers: number[] = [];
  /** Extra handling per request (slow answers, big bodies, redirects). */
  handler:
    | ((respond: (status: number, body?: string, headers?: Record<string, string>) => void) => void)
    | null = null;
  private server: Server | null = null;
  port = 0;

  constructor(readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const header = String(request.headers['cuecard-signature'] ?? '');
        this.received.push({
          headers: request.headers,
          body,
          signed: verifySignature(header, body, this.secret),
        });
        const respond = (status: number, text = '', headers: Record<string, string> = {}) => {
          response.writeHead(status, headers);
          response.end(text);
        };
        if (this.handler) return this.handler(respond);
        respond(this.answers.shift() ?? 200, 'ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: the port refuses connections until `start()` again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Bodies received so far, parsed, of one type (duplicates included), in the shape the service
   * declares for receivers: tests then read the fields a CRM would, not a loose record.
   */
  bodies<T extends WebhookEventType>(type: T): Array<WebhookBody<T>>;
  bodies(): WebhookBody[];
  bodies(type?: WebhookEventType): WebhookBody[] {
    return this.received
      .map((entry) => JSON.parse(entry.body) as WebhookBody)
      .filter((body) => type === undefined || body.type === type);
  }
}

/** Resolves when `condition` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
