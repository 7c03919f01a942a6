import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { createSentimentAnalyzer } from '../../src/understanding/sentiment/sentiment-analyzer.js';
import { createSentimentModel } from '../../src/understanding/sentiment/index.js';
import { createCustomerHealthAnalyzer } from '../../src/assist/customer-health/customer-health-analyzer.js';
import type { RunnableAnalyzer } from '../../src/pipeline/analyzer.js';
import type { CallScript } from '../../src/cli/replay/call-script.js';
import { replayCall } from '../../src/cli/replay/replay-call.js';
import { connectIngest } from '../../src/cli/replay/ingest-client.js';
import { humanize } from '../../web/src/format.js';
import {
  buildConsoles,
  launchChromium,
  loadDemoCall,
  serveConsoles,
  signIn,
} from './browser-support.js';
import { seriousAxeViolations } from './accessibility.js';

/**
 * A next step on every "charged twice" turn, one per conversation, with feedback buttons (an
 * article card's feedback needs the article in the knowledge base).
 */
const stepOnComplaint: RunnableAnalyzer = {
  name: 'scripted-step',
  languages: 'any',
  reads: [],
  async analyze({ item }) {
    if (item.kind !== 'utterance' || !/charged twice/i.test(item.text)) return null;
    return {
      events: [
        {
          type: 'suggestion',
          seq: item.seq,
          suggestion: {
            kind: 'next-step',
            suggestionId: `sg-${item.conversationId}`,
            playbookId: 'billing',
            stepId: 'verify',
            title: 'Duplicate charge playbook',
            reason: 'Billing dispute detected',
            done: ['Greet the customer'],
            remaining: ['Verify identity', 'Issue the refund'],
          },
        },
      ],
    };
  },
};

/** A long call: the demo call, then many more turns, left open. */
function longCall(script: CallScript): CallScript {
  const extra = Array.from({ length: 36 }, (_, index) =>
    index % 2 === 0
      ? {
          speaker: 'customer' as const,
          text: `One more thing, number ${index}: is my address still right?`,
        }
      : {
          speaker: 'agent' as const,
          text: `Let me check that for you, item ${index}, one moment please.`,
        },
  );
  return { ...script, turns: [...script.turns, ...extra] };
}

const documentFits = (page: Page) =>
  page.evaluate(() => {
    const root = document.scrollingElement!;
    return {
      scrollHeight: root.scrollHeight,
      scrollWidth: root.scrollWidth,
      height: window.innerHeight,
      width: window.innerWidth,
    };
  });

const transcriptScroll = (page: Page) =>
  page.locator('.agent-console .transcript').evaluate((list) => ({
    top: list.scrollTop,
    height: list.clientHeight,
    scrollHeight: list.scrollHeight,
  }));

describe('agent console shell at 1280×800', () => {
  let server: TestServer;
  let browser: Browser;
  let script: CallScript;
  let connector: Awaited<ReturnType<typeof connectIngest>>;
  let page: Page;

  beforeAll(async () => {
    await buildConsoles();
    script = await loadDemoCall('demo-double-charge');
    const model = await createSentimentModel();
    server = await startTestServer({
      defaultCapabilities: true,
      analyzers: [
        createSentimentAnalyzer({ model }),
        createCustomerHealthAnalyzer(),
        stepOnComplaint,
      ],
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000', CUECARD_LOAD_SHEDDING: 'false' },
      beforeListen: serveConsoles,
    });
    browser = await launchChromium();
    connector = await connectIngest(server.wsUrl, server.keys.connector);
    // Bob took this customer's first call, wrapped up with a code and a promised callback.
    await replayCall(connector, script, {
      conversationId: 'earlier-call',
      agentId: 'bob',
      turnGapMs: 0,
      interims: 0,
    });
    await server.services.pipeline.drain();
    // Now the same customer is on two of Alice's conversations: a long call and a chat.
    const long = longCall(script);
    await replayCall(connector, long, {
      conversationId: 'long-call-0001',
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
      turns: long.turns.length - 1,
    });
    await replayCall(
      connector,
      {
        ...script,
        channel: 'chat',
        customerAttributes: { ...script.customerAttributes, 偏好语言: '普通话' },
      },
      { conversationId: 'chat-0002', agentId: 'alice', turnGapMs: 0, interims: 0, turns: 2 },
    );
    await server.services.pipeline.drain();
    page = await signIn(browser, server.httpUrl, server.keys.agent, {
      home: '/agent',
      viewport: { width: 1280, height: 800 },
    });
    await page.locator('.conversation-tabs .tab').nth(1).waitFor();
  });

  afterAll(async () => {
    connector?.close();
    await browser?.close();
    await server?.close();
  });

  const tab = (channel: string) =>
    page.locator('.conversation-tabs .tab', { hasText: ` · ${channel} · ` });

  it('tells two conversations of one customer apart by channel, start time and id', async () => {
    const labels = await page.locator('.conversation-tabs .tab').allInnerTexts();
    expect(labels).toHaveLength(2);
    expect(labels[0]).not.toBe(labels[1]);
    expect(labels.every((label) => label.startsWith('cust-1001'))).toBe(true);
    expect(await tab('Voice').innerText()).toContain('…l-0001');
    expect(await tab('Chat').innerText()).toContain('…t-0002');
  });

  it('fits the window: no page scroll, and the transcript scrolls on its own, following the newest line', async () => {
    await tab('Voice').click();
    await expect.poll(() => page.locator('.agent-console .transcript li.line').count()).toBe(48);
    const fits = await documentFits(page);
    expect(fits.scrollHeight).toBeLessThanOrEqual(fits.height);
    expect(fits.scrollWidth).toBeLessThanOrEqual(fits.width);
    let list = await transcriptScroll(page);
    expect(list.scrollHeight).toBeGreaterThan(list.height * 2);
    // It opened at the newest line.
    expect(list.top + list.height).toBeGreaterThanOrEqual(list.scrollHeight - 2);

    // The agent scrolls up to read; a new line does not pull them down, but says it is there.
    await page.locator('.agent-console .transcript').evaluate((element) => (element.scrollTop = 0));
    const sayNext = async (seq: number, text: string) =>
      connector.request({
        type: 'utterance',
        conversationId: 'long-call-0001',
        seq,
        speaker: 'customer',
        text,
        final: true,
      });
    await sayNext(49, 'And while I have you, can I change my billing date?');
    await page.getByText('can I change my billing date?').waitFor();
    list = await transcriptScroll(page);
    expect(list.top).toBe(0);
    await page.getByRole('button', { name: 'Newest line' }).click();
    list = await transcriptScroll(page);
    expect(list.top + list.height).toBeGreaterThanOrEqual(list.scrollHeight - 2);
    // Back at the bottom, it follows again.
    await sayNext(50, 'Perfect, the 15th would suit me better.');
    await page.getByText('the 15th would suit me better').waitFor();
    await expect
      .poll(async () => {
        const now = await transcriptScroll(page);
        return now.scrollHeight - now.top - now.height;
      })
      .toBeLessThanOrEqual(2);
    // The page itself did not move.
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(0);
  });

  it("shows the customer: attributes, live estimate, the earlier call's code and the open callback", async () => {
    await tab('Voice').click();
    const panel = page.locator('.customer');
    await panel.getByText('Stream Plus').waitFor();
    expect(await panel.locator('dt', { hasText: 'Customer for' }).count()).toBe(1);
    await panel.getByText('14 months').waitFor();
    expect(await panel.innerText()).not.toMatch(/[{}"]/);
    const earlier = (await server.services.conversations.findByExternalId('acme', 'earlier-call'))!;
    const code = (await server.services.wrapups.resultOf(
      { tenantId: 'acme', conversationId: earlier.id },
      'disposition',
    ))!.suggested;
    const contacts = panel.locator('.contacts li');
    await expect.poll(() => contacts.count()).toBeGreaterThanOrEqual(1);
    await contacts
      .filter({ hasText: humanize(code) })
      .first()
      .waitFor();
    await panel.locator('.follow-ups li', { hasText: 'Callback' }).waitFor();
    // The live estimate is the customer-health analyzer's latest result for this call.
    await server.services.pipeline.drain();
    const long = (await server.services.conversations.findByExternalId('acme', 'long-call-0001'))!;
    const events = await server.services.eventLog.since(
      { tenantId: 'acme', conversationId: long.id },
      0,
      5_000,
    );
    const health = events
      .flatMap((event) =>
        event.type === 'analysis' && event.analyzer === 'customer-health' && 'csat' in event.result
          ? [event.result]
          : [],
      )
      .at(-1)!;
    await expect
      .poll(() => panel.locator('.health strong').innerText())
      .toBe(health.csat.toFixed(1));
    await panel.getByText(`${Math.round(health.churnRisk * 100)}%`).waitFor();
    for (const reason of health.churnReasons) await panel.getByText(reason).waitFor();
    // The chat's Chinese attribute shows as sent.
    await tab('Chat').click();
    await page.locator('.customer').getByText('普通话').waitFor();
    await page.locator('.customer').getByText('偏好语言').waitFor();
  });

  it('keeps "Marked helpful" after switching conversations and back', async () => {
    await tab('Voice').click();
    const card = page.locator('.next-steps');
    await card.getByRole('button', { name: 'Helpful', exact: true }).click();
    await card.getByText('Marked helpful').waitFor();
    await page.keyboard.press('Alt+1');
    await expect.poll(() => tab('Chat').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Alt+2');
    await expect.poll(() => tab('Voice').getAttribute('aria-pressed')).toBe('true');
    await card.getByText('Marked helpful').waitFor();
    expect(await card.getByRole('button', { name: 'Helpful', exact: true }).count()).toBe(0);
    // After a reload it comes from the stored feedback event alone.
    await page.reload();
    await tab('Voice').click();
    await card.getByText('Marked helpful').waitFor();
    expect(await card.getByRole('button', { name: 'Helpful', exact: true }).count()).toBe(0);
    const { rows } = await server.services.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE type = 'feedback'`,
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('lists the shortcuts and moves the focus; keys typed in a field stay text', async () => {
    await page.getByRole('button', { name: /Shortcuts/ }).click();
    const list = page.locator('#agent-shortcuts');
    await list.getByText('Search knowledge').waitFor();
    await list.getByText('Switch conversation').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => list.count()).toBe(0);
    await page.keyboard.press('?');
    await list.waitFor();
    await page.keyboard.press('Escape');

    // No wrap-up on a live call: "w" has no target and does nothing.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    const focused = () => page.evaluate(() => document.activeElement?.tagName);
    const before = await focused();
    await page.keyboard.press('w');
    expect(await focused()).toBe(before);

    // The "Search knowledge" field is reached by "/", and "/" typed in it is text.
    await page.getByLabel('Search knowledge').waitFor();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-shortcut'))).toBe(
      'search',
    );
    await page.keyboard.type('a/b h');
    expect(await page.getByLabel('Search knowledge').inputValue()).toContain('a/b h');
  });

  it('has no serious accessibility violations, and "w" reaches the wrap-up once the call ended', async () => {
    expect(await seriousAxeViolations(page)).toEqual([]);
    await connector.request({ type: 'end', conversationId: 'chat-0002' });
    await connector.request({ type: 'end', conversationId: 'long-call-0001' });
    await server.services.pipeline.drain();
    await page.locator('[data-shortcut="wrapup"] .wrapup').first().waitFor({ timeout: 30_000 });
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('w');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-shortcut'))).toBe(
      'wrapup',
    );
    const fits = await documentFits(page);
    expect(fits.scrollHeight).toBeLessThanOrEqual(fits.height);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('leaves the other consoles without horizontal overflow or serious violations at 1280×800', async () => {
    const admin = await signIn(browser, server.httpUrl, server.keys.admin, {
      home: '/supervisor',
      viewport: { width: 1280, height: 800 },
    });
    const earlier = (await server.services.conversations.findByExternalId('acme', 'earlier-call'))!;
    const problems: string[] = [];
    for (const path of [
      '/supervisor',
      `/supervisor/conversations/${earlier.id}`,
      '/qa',
      `/qa/conversations/${earlier.id}`,
      '/knowledge',
      '/knowledge/articles/new',
      '/admin/keys',
    ]) {
      await admin.goto(`${server.httpUrl}${path}`);
      await admin.locator('h1').first().waitFor();
      await admin.waitForLoadState('networkidle');
      const fits = await documentFits(admin);
      if (fits.scrollWidth > fits.width) problems.push(`${path}: ${fits.scrollWidth}px wide`);
      for (const violation of await seriousAxeViolations(admin))
        problems.push(`${path}: ${violation}`);
    }
    expect(problems).toEqual([]);
    await admin.context().close();
  });
});
