import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';

/** One Cuecard process of the fleet: the real `npm start` entry (src/main.ts). */
export interface Instance {
  readonly index: number;
  child: ChildProcess | null;
  wsUrl: string | null;
  httpUrl: string | null;
  starts: number;
  /** Deaths the chaos did not cause, with the end of the process's stderr. */
  crashes: string[];
  /** Called on every ack / `ended` this instance sends (the killer arms these). */
  onAck: (() => void) | null;
  onEnded: (() => void) | null;
}

const mainEntry = path.resolve(import.meta.dirname, '../../main.ts');

/** Starts instance `index`; resolves with its URLs once it listens. */
export async function startInstance(
  instance: Instance,
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainEntry], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`instance ${instance.index} did not start: ${stderr}`));
    }, timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /REST API:\s+(http:\/\/\S+)\/api/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance ${instance.index} exited (${code}) while starting: ${stderr}`));
    });
  });
  instance.child = child;
  instance.httpUrl = url;
  instance.wsUrl = url.replace(/^http/, 'ws');
  instance.starts += 1;
  child.once('exit', (code, signal) => {
    if (instance.child !== child) return;
    // Not killed by us: the service died on its own. That is a finding, not chaos.
    instance.child = null;
    instance.wsUrl = null;
    instance.httpUrl = null;
    instance.crashes.push(`exit ${code ?? signal}: ${stderr.slice(-1500)}`);
    process.stderr.write(
      `[chaos] instance ${instance.index} died on its own (${code ?? signal})\n${stderr.slice(-1500)}\n`,
    );
  });
}

/** SIGKILL: no clean-up, as a crash or the OOM killer. */
export async function killInstance(instance: Instance): Promise<void> {
  const child = instance.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  instance.child = null;
  instance.wsUrl = null;
  instance.httpUrl = null;
  instance.onAck = null;
  instance.onEnded = null;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** SIGTERM, as a deploy stops an instance; resolves with how long it took to exit (ms). */
export async function stopInstance(instance: Instance): Promise<number> {
  const child = instance.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return 0;
  instance.child = null;
  instance.wsUrl = null;
  instance.httpUrl = null;
  const started = Date.now();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return Date.now() - started;
}
