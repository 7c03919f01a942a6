import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

export interface InstanceProcess {
  child: ChildProcess;
  port: number;
  httpUrl: string;
  wsUrl: string;
  keys: { connector: string; supervisor: string };
  /** SIGKILL: no clean-up at all, as a crash or an OOM kill. */
  kill9(): Promise<void>;
  /** SIGTERM, and the time the process took to exit (ms). */
  stop(): Promise<number>;
}

const entry = path.resolve(import.meta.dirname, 'crash-instance.ts');

/** Starts test/support/crash-instance.ts as its own process and waits until it listens. */
export async function startInstanceProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<InstanceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ port: number; keys: InstanceProcess['keys'] }>(
    (resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`instance did not start in ${timeoutMs} ms: ${stderr}`));
      }, timeoutMs);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (!line.startsWith('{"port"')) return;
        clearTimeout(timer);
        resolve(JSON.parse(line) as { port: number; keys: InstanceProcess['keys'] });
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`instance exited with ${code} before listening: ${stderr}`));
      });
    },
  );
  return {
    child,
    port: ready.port,
    httpUrl: `http://127.0.0.1:${ready.port}`,
    wsUrl: `ws://127.0.0.1:${ready.port}`,
    keys: ready.keys,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const started = Date.now();
      child.kill('SIGTERM');
      await exited;
      return Date.now() - started;
    },
  };
}
