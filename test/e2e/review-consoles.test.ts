import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { replayCall } from '../../src/cli/replay/replay-call.js';
import { connectIngest } from '../../src/cli/replay/ingest-client.js';
import {
  buildConsoles,
  launchChromium,
  loadDemoCall,
  root,
  serveConsoles,
  signIn,
} from './browser-support.js';
import { ingestPath } from '../../src/knowledge/ingest.js';

interface ReviewRow {
  id: string;
  externalId: string;
  qaScore: number | null;
}

/** The QA review and knowledge-manager consoles, driven in Chromium against the real service. */
describe('QA review and knowledge consoles in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  const callId = `qa-e2e-${Date.now()}`;

  beforeAll(async () => {
    await buildConsoles();
    server = await startTestServer({
      defaultCapabilities: true,
      // The real sentiment model on a busy two-core machine needs more than the suite's 300 ms.
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000' },
      beforeListen: serveConsoles,
    });
    // One finished call, replayed through /ws/ingest and wrapped up by the production finalizers.
    const script = await loadDemoCall('demo-double-charge');
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await replayCall(connector, script, {
      conversationId: callId,
      agentId: 'alice',
      turnGapMs: 0,
      interims: 1,
    });
    connector.close();
    await server.services.pipeline.drain();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function navLinks(page: Page): Promise<string[]> {
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return page.getByRole('navigation', { name: 'Consoles' }).getByRole('link').allTextContents();
  }

  async function api<T>(key: string, url: string): Promise<T> {
    const response = await fetch(`${server.httpUrl}${url}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  it('offers QA review to supervisors and admins, Knowledge to knowledge managers and admins', async () => {
    const expected: Array<[string, string[], string, string | null]> = [
      [server.keys.agent, ['Agent console'], '/agent', '/qa'],
      [server.keys.supervisor, ['Live conversations', 'QA review'], '/supervisor', '/knowledge'],
      [server.keys.knowledgeManager, ['Knowledge'], '/knowledge', '/qa'],
      [
        server.keys.admin,
        ['Live conversations', 'QA review', 'Knowledge', 'API keys'],
        '/supervisor',
        null,
      ],
    ];
    for (const [key, links, home, forbidden] of expected) {
      const page = await signIn(browser, server.httpUrl, key, { home });
      expect(await navLinks(page)).toEqual(links);
      if (forbidden) {
        // A deep link to a console the role may not use lands on its home instead.
        await page.goto(`${server.httpUrl}${forbidden}`);
        await page.waitForURL(`**${home}`);
      }
      await page.context().close();
    }
  });

  it('reviews a finished call: score, evidence, an override that survives a reload, agreement', async () => {
    const listed = await api<{ conversations: ReviewRow[] }>(
      server.keys.supervisor,
      '/api/qa/conversations',
    );
    const call = listed.conversations.find((row) => row.externalId === callId);
    expect(call?.qaScore).not.toBeNull();
    const scorePercent = `${Math.round(call!.qaScore! * 100)}%`;

    const page = await signIn(browser, server.httpUrl, server.keys.supervisor, {
      home: '/supervisor',
      viewport: { width: 1280, height: 720 },
    });
    await page.getByRole('link', { name: 'QA review' }).click();
    await page.waitForURL('**/qa');
    const row = page.locator('tbody tr', { hasText: callId });
    await row.waitFor();
    expect(await row.locator('.qa-score').textContent()).toContain(scorePercent);
    expect(await row.textContent()).toContain('Alice Example');
    expect(await row.textContent()).toContain('Not yet');
    await page.getByText('No criterion has been reviewed yet.').waitFor();

    // Filters narrow the list and reset brings the call back.
    await page.getByLabel('Agent').fill('bob');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No finished conversation matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Reset' }).click();
    await row.waitFor();
    await page.getByLabel('QA score to (%)').fill(String(Math.round(call!.qaScore! * 100) - 5));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No finished conversation matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Reset' }).click();

    await row.getByRole('link', { name: callId }).click();
    await page.waitForURL(/\/qa\/conversations\/c_/);
    await page.getByRole('heading', { name: callId }).waitFor();
    const detailUrl = page.url();
    expect(await page.locator('.headline-figures').textContent()).toContain(scorePercent);

    // The sentiment chart draws every scored customer turn, joined by a line.
    const review = await api<{
      sentimentTimeline: Array<{ seq: number; speaker: string }>;
      scorecard: Array<{ criterionId: string; evidence: number[] }>;
    }>(server.keys.supervisor, `/api/qa/conversations/${call!.id}`);
    const customerPoints = review.sentimentTimeline.filter((p) => p.speaker === 'customer');
    expect(customerPoints.length).toBeGreaterThan(1);
    expect(await page.locator('.sentiment-chart circle.customer-point').count()).toBe(
      customerPoints.length,
    );
    expect(
      (await page.locator('.sentiment-chart polyline').getAttribute('points'))!.split(' '),
    ).toHaveLength(customerPoints.length);
    expect(await page.locator('.sentiment-chart rect.agent-point').count()).toBe(
      review.sentimentTimeline.length - customerPoints.length,
    );
    await page.getByText('customer asked to cancel').waitFor();

    // An evidence link brings its turn into view, highlighted and focused.
    const withLateEvidence = review.scorecard.find((c) => c.evidence.some((seq) => seq >= 10));
    expect(withLateEvidence).toBeDefined();
    const seq = withLateEvidence!.evidence.find((s) => s >= 10)!;
    const turn = page.locator(`#turn-${seq}`);
    const inView = () =>
      turn.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const list = element.closest('.transcript')!.getBoundingClientRect();
        return (
          box.top >= Math.max(0, list.top) - 1 &&
          box.bottom <= Math.min(window.innerHeight, list.bottom) + 1
        );
      });
    expect(await inView()).toBe(false);
    await page
      .locator(`li.criterion[data-criterion="${withLateEvidence!.criterionId}"]`)
      .getByRole('link', { name: `turn ${seq}` })
      .click();
    await expect.poll(() => turn.getAttribute('class')).toContain('highlighted');
    expect(await inView()).toBe(true);
    expect(await turn.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(
      'rgb(254, 243, 226)',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`turn-${seq}`);
    expect(await page.locator('.transcript li.highlighted').count()).toBe(1);

    // Override "Greeting" (met automatically) as missed, with a comment.
    const comment = `Greeting rushed: no name given (${Date.now()})`;
    const greeting = page.locator('li.criterion[data-criterion="greeting"]');
    expect(await greeting.locator('.score-chip').first().textContent()).toContain('Met');
    await greeting.getByRole('button', { name: 'Override Greeting' }).click();
    await greeting.getByRole('radio', { name: 'Missed' }).check();
    await greeting.getByLabel('Comment').fill(comment);
    await greeting.getByRole('button', { name: 'Save override' }).click();
    await greeting.getByText(comment).waitFor();
    expect(await greeting.locator('.score-chip.human').textContent()).toContain('Missed');
    // The headline score follows the review, with the automatic one beside it.
    const score = page.locator('.qa-score-figure');
    await expect.poll(() => score.textContent()).toContain('QA score, reviewed');
    expect(await score.locator('.figure-note').textContent()).toMatch(/^automatic \d+%$/);

    await page.reload();
    await page.getByRole('heading', { name: callId }).waitFor();
    expect(page.url()).toBe(detailUrl);
    const reloaded = page.locator('li.criterion[data-criterion="greeting"]');
    await reloaded.getByText(comment).waitFor();
    expect(await reloaded.locator('.score-chip.human').textContent()).toContain('Missed');
    expect(await reloaded.locator('.score-chip.superseded').textContent()).toContain('Met');

    // Back on the list: the call is marked reviewed and the disagreement counts.
    await page.getByRole('link', { name: '← QA review' }).click();
    await page.waitForURL('**/qa');
    await expect.poll(() => row.textContent()).toContain('Reviewed');
    const agreement = page.locator('.agreement');
    await expect.poll(() => agreement.textContent()).toContain('0 of 1 reviewed criteria agreed');
    expect(await agreement.locator('.agreement-figure strong').textContent()).toBe('0%');

    // Laptop and large-monitor widths: nothing spills sideways; evidence beside the verdicts.
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      ).toBe(true);
      expect(
        await page
          .locator('.table-wrap')
          .evaluate((element) => element.scrollWidth <= element.clientWidth),
      ).toBe(true);
    }
    await page.goto(detailUrl);
    await page.getByRole('heading', { name: callId }).waitFor();
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      ).toBe(true);
      const [transcript, scorecard] = await Promise.all([
        page.locator('.conversation').boundingBox(),
        page.locator('.scorecard').boundingBox(),
      ]);
      expect(scorecard!.x).toBeGreaterThan(transcript!.x + transcript!.width);
    }
    await page.context().close();
  });

  it('previews Markdown as an agent will read it, never running markup from the article', async () => {
    const page = await signIn(browser, server.httpUrl, server.keys.knowledgeManager, {
      home: '/knowledge',
    });
    await page.getByRole('link', { name: 'New article' }).click();
    await page.waitForURL('**/knowledge/articles/new');
    await page.getByLabel('Title').fill('Preview check');
    await page
      .getByLabel('Body (Markdown)')
      .fill(
        [
          '## Before you refund',
          '',
          'Check the **statement date** and the *card* used.',
          '',
          '- Verify identity',
          '- Issue the refund',
          '',
          '1. First',
          '2. Second',
          '',
          'See [the policy](https://example.com/policy) or [this](javascript:window.__injected=2).',
          '',
          '<img src=x onerror="window.__injected=1"> stays text.',
        ].join('\n'),
      );
    const preview = page.locator('.preview .markdown');
    await preview.getByRole('heading', { name: 'Before you refund', level: 2 }).waitFor();
    expect(await preview.locator('strong').textContent()).toBe('statement date');
    expect(await preview.locator('em').textContent()).toBe('card');
    expect(await preview.locator('ul > li').allTextContents()).toEqual([
      'Verify identity',
      'Issue the refund',
    ]);
    expect(await preview.locator('ol > li').count()).toBe(2);
    expect(await preview.getByRole('link').count()).toBe(1);
    expect(await preview.getByRole('link', { name: 'the policy' }).getAttribute('href')).toBe(
      'https://example.com/policy',
    );
    expect(await preview.locator('img').count()).toBe(0);
    await preview.getByText('<img src=x onerror="window.__injected=1"> stays text.').waitFor();
    expect(
      await page.evaluate(() => (window as unknown as { __injected?: number }).__injected),
    ).toBeUndefined();
    await page.context().close();
  });

  it('writes, publishes and finds an article with "try a query"', async (context) => {
    context.skip(
      !server.app.hasRoute({ method: 'GET', url: '/api/articles' }),
      'GET /api/articles is not registered yet (knowledge routes pending); this test runs once it is',
    );
    const phrase = `zebra voucher ${Date.now().toString(36)}`;
    const title = `Zebra vouchers for double charges ${Date.now().toString(36)}`;
    const page = await signIn(browser, server.httpUrl, server.keys.knowledgeManager, {
      home: '/knowledge',
    });
    await page.getByRole('link', { name: 'New article' }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Tags').fill('billing, refunds');
    await page
      .getByLabel('Body (Markdown)')
      .fill(
        `## When to offer one\n\nCustomers charged twice get a **${phrase}** worth one month.\n\n- Confirm the duplicate charge\n- Offer the ${phrase}`,
      );
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/knowledge\/articles\/(?!new)[^/]+$/);
    await page.getByRole('heading', { name: title, level: 1 }).first().waitFor();
    expect(await page.locator('.page-header .article-status').textContent()).toBe('Draft');
    await page.locator('.versions tbody tr').first().waitFor();

    await page.getByRole('button', { name: 'Publish' }).click();
    await expect
      .poll(() => page.locator('.page-header .article-status').textContent())
      .toBe('Published');
    await page.getByText('Published: agents can be shown this article now.').waitFor();

    await page.getByRole('link', { name: '← Knowledge' }).click();
    await page.waitForURL('**/knowledge');
    const row = page.locator('tbody tr', { hasText: title });
    await row.waitFor();
    expect(await row.locator('.article-status').textContent()).toBe('Published');
    // Every column fits at laptop and large-monitor widths (no sideways scrolling).
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      expect(
        await page
          .locator('.articles-wrap')
          .evaluate((element) => element.scrollWidth <= element.clientWidth),
      ).toBe(true);
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      ).toBe(true);
    }

    // The search a customer's words would run: the new article comes back, phrase highlighted.
    await page.getByLabel('Query', { exact: true }).fill(phrase);
    const result = page.locator('.search-results li', { hasText: title });
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Search' }).click();
          await page.locator('.try-query [aria-live] > *').first().waitFor();
          return result.count();
        },
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    expect((await result.locator('mark').allTextContents()).join(' ').toLowerCase()).toMatch(
      /zebra|voucher/,
    );
    await page.context().close();
  });
  // Last: its finished call would otherwise show up in the QA list the tests above filter.
  it('shows a live demo call with real article cards from the demo knowledge base, and records feedback', async () => {
    // The production pipeline end to end: redaction, sentiment, intent, hybrid search over the
    // demo articles, playbooks; nothing scripted.
    await ingestPath(server.services.knowledge!, 'acme', path.join(root, 'knowledge/articles'));
    const page = await signIn(browser, server.httpUrl, server.keys.agent);
    await page.getByRole('heading', { name: 'Agent console' }).waitFor();
    const script = await loadDemoCall('demo-double-charge');
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    const replay = replayCall(connector, script, {
      conversationId: `agent-live-${Date.now().toString(36)}`,
      agentId: 'alice',
      turnGapMs: 400,
      interims: 1,
    });
    await page
      .getByText('I was charged twice for my subscription')
      .first()
      .waitFor({ timeout: 30_000 });
    const card = page.locator('.panel.articles .card').first();
    await card.waitFor({ timeout: 30_000 });
    const title = (await card.locator('h3').textContent())!.trim();
    const { articles } = await api<{ articles: { title: string }[] }>(
      server.keys.knowledgeManager,
      '/api/articles',
    );
    expect(articles.map((article) => article.title)).toContain(title);
    await expect.poll(() => card.locator('mark').count()).toBeGreaterThan(0);
    // What the customer said about the e-mail address is redacted on screen too.
    await page.getByText('[EMAIL]').first().waitFor({ timeout: 30_000 });
    // Newer cards arrive on top: pin this one by its title before acting on it.
    const pinned = page.locator('.panel.articles .card', { hasText: title });
    await pinned.getByRole('button', { name: 'Helpful', exact: true }).click();
    await pinned.getByRole('status').waitFor();
    await expect
      .poll(
        async () =>
          (
            await api<{ articles: { title: string; usage: { helpful: number } }[] }>(
              server.keys.knowledgeManager,
              '/api/articles',
            )
          ).articles.find((a) => a.title === title)?.usage.helpful,
      )
      .toBe(1);
    await replay;
    // The playbook follows the agent: naming the charge from the account identifies it, and at
    // the close the panel says every step is done instead of pointing back at one.
    const steps = page.locator('.next-steps');
    await steps.getByText('Billing dispute: every step done').waitFor({ timeout: 30_000 });
    expect(await steps.locator('li').allTextContents()).toEqual([
      '✓Verify the account holder (done)',
      '✓Identify the disputed charge (done)',
      '✓Explain the charge or correct it (done)',
      '✓Confirm what happens next (done)',
    ]);
    // The connector's actions read as words in the transcript, not as system ids.
    expect(await page.locator('.line-action').allTextContents()).toEqual([
      'Agent action Verify identity',
      'Agent action Issue refund',
    ]);
    connector.close();
    await page.context().close();
  });
});
