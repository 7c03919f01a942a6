import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { registerWebConsoles } from '../../src/app/plugins/static-web.js';
import { loadCallScripts, type CallScript } from '../../src/cli/replay/call-script.js';
import { ingestPath } from '../../src/knowledge/ingest.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

export const root = path.resolve(import.meta.dirname, '../..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds web/dist when its sources changed. Browser test files run in parallel workers, and two
 * Vite builds into one dist would delete each other's files, so they take turns (a directory
 * made with mkdir is the lock; one older than the slowest build is left over from a crash).
 */
export async function buildConsoles(): Promise<void> {
  const lock = path.join(
    tmpdir(),
    `cuecard-build-web-${createHash('sha1').update(root).digest('hex').slice(0, 10)}.lock`,
  );
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 300_000) await rm(lock, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts/build-web.mjs')], {
      cwd: root,
    });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Headless Chromium from the system package, with the flags above. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** For `startTestServer({ beforeListen })`: the consoles at `/`, until create-app.ts registers them itself. */
export async function serveConsoles(app: FastifyInstance): Promise<void> {
  if (!app.hasRoute({ method: 'GET', url: '/*' })) await registerWebConsoles(app);
}

/** A demo call script from knowledge/demo-calls, by id. */
export async function loadDemoCall(id: string): Promise<CallScript> {
  const script = (await loadCallScripts(path.join(root, 'knowledge/demo-calls'))).find(
    (candidate) => candidate.id === id,
  );
  if (!script) throw new Error(`demo call ${id} is missing`);
  return script;
}

/**
 * Signs in with `key` in a fresh browser context (nothing remembered): the service's `/` sends
 * an unsigned visitor to the sign-in page, where the key is entered. With `home`, it then waits
 * for the page the role lands on (e.g. `/supervisor`).
 */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  key: string,
  options: {
    home?: string;
    viewport?: { width: number; height: number };
    /** The key is expected to be refused: stay on the sign-in page. */
    refused?: true;
  } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.waitForURL('**/sign-in');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (options.refused) return page;
  // Wait until the console has taken the key and left the sign-in page: a `goto` fired while
  // sign-in is still in flight aborts it and lands back on /sign-in (a CI flake).
  if (options.home !== undefined) await page.waitForURL(`**${options.home}`);
  else await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
  return page;
}

/**
 * The production pipeline with the demo knowledge base, serving the consoles, and a Chromium to
 * drive them: what a new user gets from `npm start`. The real models on a busy two-core machine
 * need more than the suite's 300 ms per analyzer.
 */
export async function startDemoConsoles(): Promise<{ server: TestServer; browser: Browser }> {
  await buildConsoles();
  const server = await startTestServer({
    defaultCapabilities: true,
    env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000' },
    beforeListen: serveConsoles,
  });
  await ingestPath(server.services.knowledge!, 'acme', path.join(root, 'knowledge/articles'));
  return { server, browser: await launchChromium() };
}
