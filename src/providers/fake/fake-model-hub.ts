import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FakeModelHub {
  /** e.g. http://127.0.0.1:40123/ — what CUECARD_MODEL_HUB_URL would be. */
  readonly url: string;
  /** Every URL requested, in order (clear it with `requested.length = 0`). */
  readonly requested: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for the Hugging Face Hub, for tests of model downloads: serves
 * `<model>/resolve/main/<file>` from the models built in `modelsDir` (404 for anything else).
 */
export async function startFakeModelHub(modelsDir: string): Promise<FakeModelHub> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    const match = /^\/(.+?)\/resolve\/main\/(.+)$/.exec(decodeURIComponent(request.url ?? ''));
    const file = match ? path.join(modelsDir, match[1]!, match[2]!) : '';
    requested.push(request.url ?? '');
    access(file).then(
      () => createReadStream(file).pipe(response),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requested,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
