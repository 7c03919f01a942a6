import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsoles, launchChromium, signIn } from '../e2e/browser-support.js';
import { startEmbeddedCuecard, type EmbeddedCuecard } from '../support/embedded-cuecard.js';
import { GOLDEN_ENV, loadGoldenConversations } from './golden-conversation.js';
import { playGolden, type GoldenRun } from './play-golden.js';
// The console's own formatting, so the test reads the label the page prints.
import { humanize } from '../../web/src/format.js';

/**
 * Three golden conversations watched in the agent console in real Chromium at 1280×800, as an
 * agent sees them: the cards and the wrap-up view must be readable text (no raw data), and the
 * page must not overflow sideways.
 */
const watched = ['golden-en-billing-dispute', 'golden-en-cancel-retention', 'golden-en-outage'];
const goldens = (await loadGoldenConversations()).filter((golden) => watched.includes(golden.id));

let embedded: EmbeddedCuecard;
let browser: Browser;
beforeAll(async () => {
  await buildConsoles();
  embedded = await startEmbeddedCuecard('golden-console', GOLDEN_ENV);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await embedded?.close();
});

describe.each(goldens.map((golden) => [golden.id, golden] as const))(
  'the agent console through %s',
  (_id, golden) => {
    let page: Page;
    let run: GoldenRun;
    beforeAll(async () => {
      const { cuecard } = embedded;
      const baseUrl = embedded.wsUrl.replace('ws://', 'http://');
      page = await signIn(browser, baseUrl, cuecard.devKeys!.keys.agent, {
        home: '/agent',
        viewport: { width: 1280, height: 800 },
      });
      await page.locator('.connection-live').waitFor();
      run = await playGolden(cuecard, embedded.wsUrl, golden);
      await page.getByRole('heading', { name: 'Wrap-up' }).waitFor({ timeout: 20_000 });
      const dumpDir = process.env.CUECARD_GOLDEN_DUMP;
      if (dumpDir) await page.screenshot({ path: `${dumpDir}/${golden.id}.png`, fullPage: true });
    });
    afterAll(async () => page?.context().close());

    it('shows the conversation’s cards by title, as plain text', async () => {
      const articles = run.events.flatMap((event) =>
        event.type === 'suggestion' && event.suggestion.kind === 'article'
          ? [event.suggestion]
          : [],
      );
      // A better article for a topic takes its card's place (one card per topic): the cards on
      // screen are those no later one replaced.
      const replaced = new Set(articles.map((card) => card.replacesSuggestionId));
      const titles = articles
        .filter((card) => !replaced.has(card.suggestionId))
        .map((card) => card.title);
      expect(titles.length).toBeGreaterThan(0);
      const cards = page.locator('.articles .card');
      await expect.poll(() => cards.count()).toBe(titles.length);
      const shown = await cards.allTextContents();
      for (const title of titles) expect(shown.join('\n')).toContain(title);
      expect(shown.join('\n')).not.toMatch(/\*\*/);
    });

    it('reads the wrap-up as sentences and figures, never raw data', async () => {
      const panel = page.locator('section.wrapup');
      const text = (await panel.innerText()).replace(/\s+/g, ' ');
      const { summary, disposition, churn, qa } = run.final.wrapup;
      // The agent reads the narrative in the editable summary box.
      const box = await panel.locator('textarea').first().inputValue();
      expect(box.replace(/\s+/g, ' ')).toContain(summary!.narrative.replace(/\s+/g, ' '));
      expect(text).toContain(humanize(disposition!.suggested));
      expect(text).toContain(`${Math.round(churn!.risk * 100)} %`);
      expect(text).toContain(`${Math.round((qa!.overall ?? 0) * 100)} %`);
      const page_ = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
      expect(page_).not.toMatch(/[{[]\s*"[a-zA-Z]+"\s*:/);
      expect(page_).not.toContain('[object Object]');
    });

    it('fits 1280×800 with no horizontal overflow', async () => {
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        wide: [...document.querySelectorAll<HTMLElement>('body *')]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
      }));
      expect(widths.wide).toEqual([]);
      expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    });
  },
);
