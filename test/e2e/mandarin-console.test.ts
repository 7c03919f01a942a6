import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../support/test-server.js';
import { replayCall } from '../../src/cli/replay/replay-call.js';
import { connectIngest } from '../../src/cli/replay/ingest-client.js';
import { loadDemoCall, signIn, startDemoConsoles } from './browser-support.js';

// Fonts that draw Chinese (the CJK faces the console's font stack names, on every platform).
const cjkFont = /CJK|PingFang|Hiragino Sans GB|YaHei|Source Han|WenQuanYi/i;

/**
 * The fonts Chromium actually drew a node's text with, and how many glyphs each drew: its own
 * answer through the DevTools protocol, so a Chinese line drawn as boxes (no CJK font installed)
 * or in a Latin font fails here.
 */
async function renderedFonts(page: Page, selector: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root: document } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: document.nodeId, selector });
  // The text node itself: fonts are reported for the node whose text they drew.
  const { node } = await cdp.send('DOM.describeNode', { nodeId, depth: 1 });
  const textNodeId = node.children?.find((child) => child.nodeType === 3)?.nodeId ?? nodeId;
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', {
    nodeId: textNodeId > 0 ? textNodeId : nodeId,
  });
  await cdp.detach();
  return fonts;
}

/** The agent console on a live Mandarin call, with the production pipeline and the demo base. */
describe('the agent console on a Mandarin call, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = await startDemoConsoles());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('draws the Chinese transcript and article cards with a CJK font, as the font stack asks', async () => {
    const page = await signIn(browser, server.httpUrl, server.keys.agent);
    await page.getByRole('heading', { name: 'Agent console' }).waitFor();
    const script = await loadDemoCall('demo-zh-outage');
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    // The call is still going on: the customer has asked about compensation.
    await replayCall(connector, script, {
      conversationId: `zh-live-${Date.now().toString(36)}`,
      agentId: 'alice',
      turnGapMs: 200,
      interims: 1,
      turns: 7,
    });
    await page.getByText('路由器上的灯一直是红的').first().waitFor({ timeout: 30_000 });
    // A card from the Chinese articles, its matched words marked.
    const card = page.locator('.panel.articles .card', { hasText: '断网' }).first();
    await card.waitFor({ timeout: 30_000 });
    await expect.poll(() => card.locator('mark').count()).toBeGreaterThan(0);

    const stack = await page
      .locator('.transcript .line-customer .text')
      .first()
      .evaluate((element) => getComputedStyle(element).fontFamily);
    for (const family of ['PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC'])
      expect(stack).toContain(family);

    for (const selector of ['.transcript .line-customer .text', '.panel.articles .card h3']) {
      const fonts = await renderedFonts(page, selector);
      const chinese = fonts.filter((font) => cjkFont.test(font.familyName));
      expect(chinese, `${selector}: ${JSON.stringify(fonts)}`).not.toEqual([]);
      // Nearly every glyph of a Chinese line comes from the CJK font.
      const glyphs = fonts.reduce((sum, font) => sum + font.glyphCount, 0);
      const cjkGlyphs = chinese.reduce((sum, font) => sum + font.glyphCount, 0);
      expect(cjkGlyphs / glyphs).toBeGreaterThan(0.8);
      // In its Simplified Chinese face where the platform has several (Noto: SC, TC, JP, KR).
      expect(fonts.map((font) => font.familyName).join()).not.toMatch(/CJK (JP|KR|TC|HK)/);
    }
    connector.close();
    await page.context().close();
  });
});
