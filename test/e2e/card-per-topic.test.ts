import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../support/test-server.js';
import { replayCall } from '../../src/cli/replay/replay-call.js';
import { connectIngest } from '../../src/cli/replay/ingest-client.js';
import { loadGoldenConversations } from '../golden/golden-conversation.js';
import { seriousAxeViolations } from './accessibility.js';
import { signIn, startDemoConsoles } from './browser-support.js';

/**
 * Issue 19, item 4 (one new card per topic): on the outage call the router-setup card comes
 * first ("the router light is blinking red"); the outage article the agent needs takes its place
 * in the Knowledge panel, so the agent sees one card change, not a pile of cards on one topic.
 */
describe('one card per topic in the agent console, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = await startDemoConsoles());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('updates the outage card in place', async () => {
    const page = await signIn(browser, server.httpUrl, server.keys.agent);
    await page.getByRole('heading', { name: 'Agent console' }).waitFor();
    const golden = (await loadGoldenConversations()).find((call) => call.id === 'golden-en-outage');
    if (!golden) throw new Error('the outage golden is missing');
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    // Up to the customer's "How long will it take?" (turn 7), which brings the outage article.
    await replayCall(connector, golden, {
      conversationId: `outage-${Date.now().toString(36)}`,
      agentId: 'alice',
      turnGapMs: 400,
      interims: 0,
      turns: 7,
    });
    const knowledge = page.getByRole('region', { name: 'Knowledge', exact: true });
    await knowledge
      .getByRole('heading', { name: 'Checking for an outage' })
      .waitFor({ timeout: 60_000 });
    await expect.poll(() => knowledge.locator('li.card').count()).toBe(1);
    await expect(knowledge.getByText(/^Updated: a better match than “.+”$/).count()).resolves.toBe(
      1,
    );
    expect(await knowledge.getByRole('heading', { level: 3 }).allTextContents()).toEqual([
      'Checking for an outage',
    ]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    connector.close();
  });
});
