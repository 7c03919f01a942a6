/**
 * `npx tsx scripts/screenshots.ts`: PNG screenshots of the consoles for docs/screenshots/.
 * Starts Cuecard in-process on a throw-away embedded database (like `npm run demo`), replays two
 * demo calls part-way through the real sockets, and photographs the agent console, the
 * supervisor's live list and one conversation's detail while the calls are still active; then
 * replays a whole call to its end and photographs its QA review, and the knowledge manager's
 * console with a query tried against the demo knowledge base.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../src/config/config.js';
import { composeCuecard } from '../src/app/compose-cuecard.js';
import { registerWebConsoles } from '../src/app/plugins/static-web.js';
import { loadCallScripts, type CallScript } from '../src/cli/replay/call-script.js';
import { connectIngest } from '../src/cli/replay/ingest-client.js';
import { replayCall, type IngestSocket } from '../src/cli/replay/replay-call.js';
// The same headless Chromium flags as the browser tests (PLATFORM.md).
import { CHROMIUM_ARGS } from '../test/e2e/browser-support.js';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'docs', 'screenshots');
const viewport = { width: 1440, height: 900 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plays the first `turns` turns of a call (interims, finals, actions) and leaves it open. */
async function playPart(
  socket: IngestSocket,
  script: CallScript,
  conversationId: string,
  agentId: string,
  turns: number,
): Promise<void> {
  await socket.request({
    type: 'open',
    conversationId,
    channel: script.channel,
    agentId,
    ...(script.customerId ? { customerId: script.customerId } : {}),
    ...(script.customerAttributes ? { customerAttributes: script.customerAttributes } : {}),
  });
  for (const [index, turn] of script.turns.slice(0, turns).entries()) {
    const seq = index + 1;
    if ('action' in turn) {
      await socket.request({
        type: 'action',
        conversationId,
        seq,
        action: turn.action,
        ...(turn.data ? { data: turn.data } : {}),
      });
      continue;
    }
    const words = turn.text.split(' ');
    socket.send({
      type: 'utterance',
      conversationId,
      seq,
      speaker: turn.speaker,
      text: words.slice(0, Math.ceil(words.length / 2)).join(' '),
      final: false,
    });
    await socket.request({
      type: 'utterance',
      conversationId,
      seq,
      speaker: turn.speaker,
      text: turn.text,
      final: true,
      startMs: seq * 4000,
      endMs: seq * 4000 + 3000,
    });
    await sleep(150);
  }
  // The next turn is still being spoken: its interim shows greyed on the agent's screen.
  const next = script.turns[turns];
  if (next && 'speaker' in next) {
    socket.send({
      type: 'utterance',
      conversationId,
      seq: turns + 1,
      speaker: next.speaker,
      text: next.text.split(' ').slice(0, 5).join(' '),
      final: false,
    });
  }
}

async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** `--mandarin`: only the Mandarin call's screenshots (zh-*.png). */
const mandarinOnly = process.argv.includes('--mandarin');

/**
 * The Mandarin demo call (needs a CJK font, e.g. Debian's fonts-noto-cjk): the agent console and
 * the supervisor's board while the customer asks about compensation, then the QA review of the
 * whole call once wrapped up.
 */
async function mandarinShots(
  browser: Browser,
  httpUrl: string,
  keys: Record<string, string>,
  agentId: string,
  call: CallScript,
  drain: () => Promise<void>,
): Promise<void> {
  const agent = await (await browser.newContext({ viewport })).newPage();
  await signIn(agent, httpUrl, keys.agent!);
  await agent.locator('.connection-live').waitFor();
  const supervisor = await (await browser.newContext({ viewport })).newPage();
  await signIn(supervisor, httpUrl, keys.supervisor!);
  await supervisor.locator('.connection-live').waitFor();
  const connector = await connectIngest(httpUrl.replace(/^http/, 'ws'), keys.connector!);
  const live = `zh-call-${Date.now()}`;
  await playPart(connector, call, live, agentId, 7);
  await agent.locator('.panel.articles .card').nth(1).waitFor({ timeout: 30_000 });
  await sleep(1500);
  await agent.screenshot({ path: path.join(outDir, 'zh-agent-console.png') });
  await supervisor.locator('tbody tr', { hasText: live }).waitFor();
  await sleep(500);
  await supervisor.screenshot({ path: path.join(outDir, 'zh-supervisor.png') });
  await connector.request({ type: 'end', conversationId: live });

  const reviewed = `zh-review-${Date.now()}`;
  await replayCall(connector, call, {
    conversationId: reviewed,
    agentId,
    turnGapMs: 0,
    interims: 0,
  });
  connector.close();
  await drain();
  await supervisor
    .getByRole('navigation', { name: 'Consoles' })
    .getByRole('link', { name: 'QA review' })
    .click();
  const row = supervisor.getByRole('link', { name: reviewed });
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  await supervisor.getByRole('heading', { name: reviewed }).waitFor();
  await supervisor.locator('li.criterion').first().waitFor();
  await sleep(500);
  await supervisor.screenshot({ path: path.join(outDir, 'zh-qa-review.png') });
}

async function main(): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts/build-web.mjs')], {
    cwd: root,
  });
  await mkdir(outDir, { recursive: true });
  const config = loadConfig();
  const scripts = await loadCallScripts(path.join(config.knowledgeDir, 'demo-calls'));
  const doubleCharge = scripts.find((script) => script.id === 'demo-double-charge');
  const cancelPlan = scripts.find((script) => script.id === 'demo-cancel-plan');
  const mandarin = scripts.find((script) => script.id === 'demo-zh-outage');
  if (!doubleCharge || !cancelPlan || !mandarin)
    throw new Error(
      'knowledge/demo-calls needs demo-double-charge, demo-cancel-plan and demo-zh-outage',
    );

  const dataDir = await mkdtemp(path.join(tmpdir(), 'cuecard-screens-'));
  const cuecard = await composeCuecard(
    { ...config, dataDir: path.join(dataDir, 'data'), databaseUrl: undefined },
    { logger: false, devTenant: true },
  );
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    if (!cuecard.app.hasRoute({ method: 'GET', url: '/*' })) await registerWebConsoles(cuecard.app);
    await cuecard.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (cuecard.app.server.address() as AddressInfo).port;
    const httpUrl = `http://127.0.0.1:${port}`;
    const { keys, agentId } = cuecard.devKeys!;

    if (mandarinOnly) {
      await mandarinShots(browser, httpUrl, keys, agentId, mandarin, () =>
        cuecard.services.pipeline.drain(),
      );
      return;
    }
    const agent = await (await browser.newContext({ viewport })).newPage();
    await signIn(agent, httpUrl, keys.agent);
    await agent.locator('.connection-live').waitFor();
    const supervisor = await (await browser.newContext({ viewport })).newPage();
    await signIn(supervisor, httpUrl, keys.supervisor);
    await supervisor.locator('.connection-live').waitFor();

    const connector = await connectIngest(`ws://127.0.0.1:${port}`, keys.connector);
    const first = `call-${Date.now()}`;
    const second = `chat-${Date.now()}`;
    await playPart(connector, { ...cancelPlan, channel: 'chat' }, second, 'agent-2', 4);
    await playPart(connector, doubleCharge, first, agentId, 9);
    await cuecard.services.pipeline.drain();
    await sleep(1500);

    await agent
      .getByText(
        doubleCharge.turns[0] && 'text' in doubleCharge.turns[0] ? doubleCharge.turns[0].text : '',
      )
      .first()
      .waitFor();
    await agent.screenshot({ path: path.join(outDir, 'agent-console.png') });
    await supervisor.locator('tbody tr', { hasText: first }).waitFor();
    await supervisor.screenshot({ path: path.join(outDir, 'supervisor.png') });
    await supervisor.getByRole('link', { name: first }).click();
    await supervisor.getByRole('heading', { name: first }).waitFor();
    await sleep(500);
    await supervisor.screenshot({ path: path.join(outDir, 'supervisor-conversation.png') });

    for (const id of [first, second]) await connector.request({ type: 'end', conversationId: id });

    // QA review of a whole call, once its wrap-up has run: one override, one evidence link.
    const reviewed = `review-${Date.now()}`;
    await replayCall(connector, doubleCharge, {
      conversationId: reviewed,
      agentId,
      turnGapMs: 0,
      interims: 0,
    });
    connector.close();
    await cuecard.services.pipeline.drain();
    await supervisor
      .getByRole('navigation', { name: 'Consoles' })
      .getByRole('link', { name: 'QA review' })
      .click();
    await supervisor.getByRole('link', { name: reviewed }).click();
    await supervisor.getByRole('heading', { name: reviewed }).waitFor();
    // A reviewer who holds the call to a stricter policy than the automatic check knows.
    const identity = supervisor.locator('li.criterion[data-criterion="identity_verified"]');
    await identity.getByRole('button', { name: /^Override Identity/ }).click();
    await identity.getByRole('radio', { name: 'Missed' }).check();
    await identity
      .getByLabel('Comment')
      .fill(
        'An e-mail address alone is not enough before a refund: ask for the card last four too.',
      );
    await identity.getByRole('button', { name: 'Save override' }).click();
    await identity.locator('.override').waitFor();
    await supervisor
      .locator('li.criterion[data-criterion="identity_verified"]')
      .getByRole('link')
      .first()
      .click();
    // Clicking scrolled the page down to the scorecard; show the page from its top.
    await supervisor.evaluate(() => window.scrollTo(0, 0));
    await sleep(300);
    await supervisor.screenshot({ path: path.join(outDir, 'qa-review.png') });

    // Knowledge manager: the demo articles, their usage, gaps, and a query tried.
    const knowledge = await (await browser.newContext({ viewport })).newPage();
    await signIn(knowledge, httpUrl, keys.knowledge_manager);
    await knowledge.getByRole('heading', { name: 'Knowledge', exact: true }).waitFor();
    await knowledge.locator('.articles-table tbody tr th').first().waitFor();
    await knowledge.getByLabel('Query', { exact: true }).fill('I was charged twice this month');
    await knowledge.getByRole('button', { name: 'Search' }).click();
    await knowledge.locator('.search-results li').first().waitFor();
    await knowledge.screenshot({ path: path.join(outDir, 'knowledge.png'), fullPage: true });
    await mandarinShots(browser, httpUrl, keys, agentId, mandarin, () =>
      cuecard.services.pipeline.drain(),
    );
    process.stdout.write(`Screenshots written to ${path.relative(root, outDir)}/\n`);
  } finally {
    await browser.close();
    await cuecard.services.pipeline.drain();
    await cuecard.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `screenshots failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
