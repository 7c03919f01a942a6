import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OpenAI-compatible HTTP server for tests: `/v1/chat/completions` (plain and SSE
 * streaming) and `/v1/embeddings`. Each chat request takes the next scripted behaviour (then
 * the default reply), so a test can say "fail with 500 once, then answer" or "hang".
 * It speaks the real wire format, so the code under test runs exactly as against vLLM or Ollama.
 */
export type FakeChatBehaviour =
  | { kind: 'reply'; text: string; chunkDelayMs?: number }
  | { kind: 'error'; status: number; message?: string; retryAfterSeconds?: number }
  /** Accepts the request and never answers (until the client gives up). */
  | { kind: 'hang' };

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface FakeOpenAiServer {
  /** e.g. http://127.0.0.1:40123/v1 — what OPENAI_BASE_URL would be. */
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queues behaviours for the next chat requests. */
  script(...behaviours: FakeChatBehaviour[]): void;
  /**
   * Queues behaviours for the next chat requests whose prompt contains `marker`, ahead of the
   * general queue: when several features share one model, each test scripts its own feature.
   */
  scriptFor(marker: string, ...behaviours: FakeChatBehaviour[]): void;
  /** Reply used when the script is empty. */
  setDefaultReply(text: string): void;
  close(): Promise<void>;
}

/** Deterministic unit vector for a text: same text, same vector; similar texts share words. */
export function fakeEmbedding(text: string, dimensions = 16): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    let hash = 2166136261;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619);
    vector[(hash >>> 0) % dimensions]! += 1;
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}

function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeOpenAiServer(
  options: { defaultReply?: string } = {},
): Promise<FakeOpenAiServer> {
  const queue: FakeChatBehaviour[] = [];
  const markedQueues: Array<{ marker: string; behaviours: FakeChatBehaviour[] }> = [];
  const requests: RecordedRequest[] = [];
  let defaultReply = options.defaultReply ?? 'Happy to help with that.';
  const hanging = new Set<ServerResponse>();

  async function chat(body: Record<string, unknown>, response: ServerResponse): Promise<void> {
    const prompt = JSON.stringify(body.messages ?? []);
    const marked = markedQueues.find(
      (entry) => entry.behaviours.length > 0 && prompt.includes(entry.marker),
    );
    const behaviour = marked?.behaviours.shift() ??
      queue.shift() ?? { kind: 'reply', text: defaultReply };
    if (behaviour.kind === 'hang') {
      hanging.add(response);
      response.on('close', () => hanging.delete(response));
      return;
    }
    if (behaviour.kind === 'error') {
      const headers: Record<string, string> =
        behaviour.retryAfterSeconds !== undefined
          ? { 'retry-after': String(behaviour.retryAfterSeconds) }
          : {};
      sendJson(
        response,
        behaviour.status,
        { error: { message: behaviour.message ?? 'scripted failure', type: 'server_error' } },
        headers,
      );
      return;
    }
    const messages = Array.isArray(body.messages)
      ? (body.messages as Array<{ content?: unknown }>)
      : [];
    const promptTokens = messages.reduce(
      (sum, message) => sum + countTokens(String(message.content ?? '')),
      0,
    );
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: countTokens(behaviour.text),
      total_tokens: promptTokens + countTokens(behaviour.text),
    };
    const base = {
      id: 'chatcmpl-fake',
      created: Math.floor(Date.now() / 1000),
      model: String(body.model ?? 'fake'),
    };
    if (body.stream !== true) {
      sendJson(response, 200, {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: behaviour.text },
            finish_reason: 'stop',
          },
        ],
        usage,
      });
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (data: unknown) => response.write(`data: ${JSON.stringify(data)}\n\n`);
    const pieces = behaviour.text.match(/\S+\s*/g) ?? [];
    send({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    for (const piece of pieces) {
      if (behaviour.chunkDelayMs) await sleep(behaviour.chunkDelayMs);
      if (response.destroyed) return;
      send({
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
      });
    }
    send({
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    });
    const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage)
      send({ ...base, object: 'chat.completion.chunk', choices: [], usage });
    response.end('data: [DONE]\n\n');
  }

  function embeddings(body: Record<string, unknown>, response: ServerResponse): void {
    const input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : 16;
    sendJson(response, 200, {
      object: 'list',
      model: String(body.model ?? 'fake-embedding'),
      data: input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: fakeEmbedding(text, dimensions),
      })),
      usage: {
        prompt_tokens: input.reduce((sum, text) => sum + countTokens(text), 0),
        total_tokens: 0,
      },
    });
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      try {
        const body = request.method === 'POST' ? await readBody(request) : {};
        const path = (request.url ?? '').split('?')[0] ?? '';
        requests.push({ path, headers: request.headers, body });
        if (request.method === 'POST' && path === '/v1/chat/completions')
          await chat(body, response);
        else if (request.method === 'POST' && path === '/v1/embeddings') embeddings(body, response);
        else sendJson(response, 404, { error: { message: `no route ${request.method} ${path}` } });
      } catch (error) {
        if (!response.headersSent)
          sendJson(response, 400, { error: { message: (error as Error).message } });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...behaviours) => queue.push(...behaviours),
    scriptFor: (marker, ...behaviours) => {
      const entry = markedQueues.find((queued) => queued.marker === marker);
      if (entry) entry.behaviours.push(...behaviours);
      else markedQueues.push({ marker, behaviours });
    },
    setDefaultReply: (text) => {
      defaultReply = text;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
