import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { defineAnalyzer } from '../../src/pipeline/analyzer.js';
import { intentAnalysis } from '../../src/understanding/intent/testing/intent-analysis.js';
import { connectIngest } from '../../src/cli/replay/ingest-client.js';
import { buildConsoles, launchChromium, serveConsoles, signIn } from './browser-support.js';
import { seriousAxeViolations } from './accessibility.js';

/** The call's intent as the supervisor's banner shows it; the real intent analyzer is built elsewhere. */
const scriptedIntent = defineAnalyzer({
  name: 'intent',
  languages: 'any',
  reads: [],
  async analyze({ item }) {
    if (item.kind !== 'utterance' || item.speaker !== 'customer') return null;
    return { result: intentAnalysis('cancel-service', 0.9) };
  },
});

/** Counts the oscillators the page starts: the supervisor's beep, without listening to it. */
const countBeeps = () => {
  const started = { count: 0 };
  (window as unknown as { __beeps: typeof started }).__beeps = started;
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (this: AudioContext) {
    started.count++;
    return create.call(this);
  };
};

/**
 * Serious axe violations, less one that predates this feature: the green "Active" status pill
 * (`.status`, web/src/styles.css, owned by the consoles' layout) is 4.1:1 against its background.
 * Reported to the layout's owner; drop this filter once that colour is fixed.
 */
describe('Ask for help, in two browsers', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildConsoles();
    server = await startTestServer({ analyzers: [scriptedIntent], beforeListen: serveConsoles });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('reaches the supervisor at once; the supervisor takes it and the note reaches the agent', async () => {
    const externalId = `help-e2e-${Date.now()}`;
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await connector.request({
      type: 'open',
      conversationId: externalId,
      channel: 'voice',
      agentId: 'alice',
      customerId: 'cust-2002',
    });
    await connector.request({
      type: 'utterance',
      conversationId: externalId,
      seq: 1,
      speaker: 'customer',
      text: '我要把家里的宽带取消掉',
      final: true,
    });
    await server.services.pipeline.drain();

    const agent = await signIn(browser, server.httpUrl, server.keys.agent, { home: '/agent' });
    const supervisor = await signIn(browser, server.httpUrl, server.keys.supervisor);
    await supervisor.addInitScript(countBeeps);
    await supervisor.reload();
    await supervisor.waitForURL('**/supervisor');
    await supervisor.getByText('No agent is asking for help right now.').waitFor();
    await supervisor.locator('.connection-live').waitFor();
    // A second supervisor (an admin) watches the same board.
    const admin = await signIn(browser, server.httpUrl, server.keys.admin);
    await admin.goto(`${server.httpUrl}/supervisor`);
    await admin.getByText('No agent is asking for help right now.').waitFor();
    await admin.locator('.connection-live').waitFor();
    // Browsers play no sound before the user has interacted with the page.
    await supervisor.locator('h1').click();

    const ask = agent.locator('[data-shortcut="help"]');
    await agent.getByText('我要把家里的宽带取消掉').waitFor();
    await agent.locator('.connection-live').waitFor();
    await agent.getByLabel('What do you need? (optional)').fill('客户要取消，怎么挽留？');
    await ask.click();
    await agent.getByText('Help requested: waiting for a supervisor…').waitFor();

    // No reload: the request arrives on the supervisor's live subscription.
    const banner = supervisor.locator('.help-queue.ringing');
    await banner.getByText('1 agent is asking for help').waitFor();
    await banner.getByText('Alice Example').waitFor();
    await banner.getByText('cust-2002').waitFor();
    await banner.getByText('Cancel service').waitFor();
    await banner.getByText('客户要取消，怎么挽留？').waitFor();
    await admin.locator('.help-queue.ringing').getByText('Alice Example').waitFor();
    await expect
      .poll(() =>
        supervisor.evaluate(
          () => (window as unknown as { __beeps: { count: number } }).__beeps.count,
        ),
      )
      .toBeGreaterThan(0);
    // The board's row says so too, and the call counts as needing attention.
    const helpCell = (page: typeof supervisor) =>
      page.locator('.live-board tbody td[data-column="help"]');
    await expect.poll(() => helpCell(supervisor).allTextContents()).toContain('Waiting');
    expect(await seriousAxeViolations(supervisor)).toEqual([]);

    await banner.getByRole('button', { name: /^Take/ }).click();
    await supervisor.waitForURL('**/supervisor/conversations/**');
    await supervisor.getByText('我要把家里的宽带取消掉').waitFor();
    await supervisor.getByText(/Taken by supervisor at/).waitFor();
    await agent.getByText('supervisor is helping you.').waitFor();
    // Taken: it leaves the other supervisor's queue too.
    await admin.getByText('No agent is asking for help right now.').waitFor();
    await expect.poll(() => helpCell(admin).allTextContents()).toContain('supervisor');
    await admin.context().close();

    const note = '先道歉，再提供三个月半价 — offer the retention discount';
    await supervisor.getByLabel('Private note to the agent').fill(note);
    const sentAt = Date.now();
    await supervisor.getByRole('button', { name: 'Send note' }).click();
    await agent.locator('.help-note.newest').getByText(note).waitFor();
    const latencyMs = Date.now() - sentAt;
    console.log(`note shown in the agent console ${latencyMs} ms after Send`);
    // The figure is logged, not asserted tightly: timing asserts flake on a loaded machine.
    expect(latencyMs).toBeLessThan(10_000);
    await supervisor.locator('.help-notes').getByText(note).waitFor();
    // The note is the agent's, not the call's: the transcript does not carry it.
    expect(await agent.locator('.transcript').getByText(note).count()).toBe(0);

    expect(await seriousAxeViolations(agent)).toEqual([]);
    expect(await seriousAxeViolations(supervisor)).toEqual([]);

    await connector.request({ type: 'end', conversationId: externalId });
    connector.close();
    await agent.context().close();
    await supervisor.context().close();
  });
});
