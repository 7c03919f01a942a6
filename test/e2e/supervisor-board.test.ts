import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { replayCall } from '../../src/cli/replay/replay-call.js';
import { connectIngest } from '../../src/cli/replay/ingest-client.js';
import {
  buildConsoles,
  launchChromium,
  loadDemoCall,
  serveConsoles,
  signIn,
} from './browser-support.js';
import { seriousAxeViolations } from './accessibility.js';

const stamp = Date.now().toString(36);
const endedId = `ended-en-${stamp}`;
const englishId = `live-en-${stamp}`;
const chineseId = `live-zh-${stamp}`;

/** The supervisor's board and QA list in Chromium, fed by real calls through /ws/ingest. */
describe('supervisor board in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let connector: Awaited<ReturnType<typeof connectIngest>>;

  beforeAll(async () => {
    await buildConsoles();
    server = await startTestServer({
      defaultCapabilities: true,
      // Every turn analysed in full on a busy two-core machine: the test asserts what it shows.
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000', CUECARD_LOAD_SHEDDING: 'false' },
      beforeListen: serveConsoles,
    });
    connector = await connectIngest(server.wsUrl, server.keys.connector);
    // A call that ended before the supervisor opened the board: it comes from the REST list.
    await replayCall(connector, await loadDemoCall('demo-double-charge'), {
      conversationId: endedId,
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
    });
    await server.services.pipeline.drain();
    browser = await launchChromium();
  });

  afterAll(async () => {
    connector?.close();
    await browser?.close();
    await server?.close();
  });

  const cell = (row: Locator, column: string) => row.locator(`td[data-column="${column}"]`);
  const liveRow = (page: Page, externalId: string) =>
    page.locator(`.live-board tbody tr[data-conversation="${externalId}"]`);
  const percentOf = (text: string | null) => Number(/(\d+)%/.exec(text ?? '')?.[1] ?? NaN);

  async function api(method: string, url: string, body?: unknown) {
    const response = await fetch(`${server.httpUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${server.keys.supervisor}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  it('shows two live calls with every column, sorts by churn, filters, and keeps ended calls with their wrap-up', async () => {
    const page = await signIn(browser, server.httpUrl, server.keys.supervisor, {
      home: '/supervisor',
      viewport: { width: 1280, height: 800 },
    });
    await page.getByText('No conversation is in progress right now.').waitFor();
    await page.locator('.connection-live').waitFor();

    // The call ended before sign-in stays on the board with its stored wrap-up.
    const ended = page.locator('.ended-table tbody tr', { hasText: endedId });
    await ended.waitFor();
    expect(await ended.textContent()).toContain('Alice Example');
    const endedCells = await ended.locator('td').allTextContents();
    // Agent, ended at, summary, code, churn, QA score: all real values.
    expect(endedCells[2]!.length).toBeGreaterThan(10);
    expect(endedCells[3]).not.toBe('—');
    expect(endedCells[4]).toMatch(/\d+%/);
    expect(endedCells[5]).toMatch(/\d+%/);

    // Two calls in progress: one in English (the customer wants to cancel), one in Mandarin.
    await replayCall(connector, await loadDemoCall('demo-cancel-plan'), {
      conversationId: englishId,
      agentId: 'alice',
      turnGapMs: 0,
      interims: 1,
      turns: 4,
    });
    await replayCall(connector, await loadDemoCall('demo-zh-outage'), {
      conversationId: chineseId,
      agentId: 'bob',
      turnGapMs: 0,
      interims: 1,
      turns: 7,
    });
    // Every turn analysed, so the values below stand still while they are compared.
    await server.services.pipeline.drain();
    const english = liveRow(page, englishId);
    const chinese = liveRow(page, chineseId);
    await expect
      .poll(() => cell(chinese, 'last-line').textContent(), { timeout: 60_000 })
      .toContain('我在家办公');
    await expect
      .poll(() => cell(english, 'last-line').textContent(), { timeout: 60_000 })
      .toContain('restarted my router');
    for (const [row, agent] of [
      [english, 'Alice Example'],
      [chinese, 'Bob Example'],
    ] as const) {
      expect(await cell(row, 'agent').textContent()).toBe(agent);
      expect(await cell(row, 'duration').textContent()).toMatch(/^\d+:\d\d$/);
      await expect.poll(() => cell(row, 'churn').textContent(), { timeout: 60_000 }).toMatch(/%/);
      await expect.poll(() => cell(row, 'csat').textContent()).toMatch(/^[1-5]\.\d \/ 5$/);
      await expect
        .poll(() => cell(row, 'mood').textContent(), { timeout: 60_000 })
        .toMatch(/improving|worsening|steady/);
      await expect.poll(() => cell(row, 'intent').textContent()).not.toBe('—');
      expect(await cell(row, 'alerts').textContent()).toMatch(/^\d/);
      expect(await row.locator('th .row-meta').textContent()).toMatch(/cust-200\d/);
    }
    // The English customer said they want to cancel: the churn risk says so.
    expect(percentOf(await cell(english, 'churn').textContent())).toBeGreaterThan(0);

    // Sorting by churn risk: highest first, then lowest first; the header says which.
    const churnHeader = page.locator('.live-board thead th', { hasText: 'Churn risk' });
    const churnOrder = async () =>
      (await page.locator('.live-board tbody td[data-column="churn"]').allTextContents()).map(
        percentOf,
      );
    await churnHeader.getByRole('button').click();
    expect(await churnHeader.getAttribute('aria-sort')).toBe('descending');
    const descending = await churnOrder();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    await churnHeader.getByRole('button').click();
    expect(await churnHeader.getAttribute('aria-sort')).toBe('ascending');
    const ascending = await churnOrder();
    expect(ascending).toEqual([...descending].reverse());
    // The agent column sorts by name.
    const agentHeader = page.locator('.live-board thead th', { hasText: 'Agent' });
    await agentHeader.getByRole('button').click();
    expect(await churnHeader.getAttribute('aria-sort')).toBe('none');
    expect(
      await page.locator('.live-board tbody td[data-column="agent"]').allTextContents(),
    ).toEqual(['Alice Example', 'Bob Example']);

    // Filtering by text: an agent's name, Chinese words of the last line, an intent.
    const search = page.getByLabel('Search');
    const shownIds = () =>
      page
        .locator('.live-board tbody tr[data-conversation]')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-conversation')));
    await search.fill('bob');
    await expect.poll(shownIds).toEqual([chineseId]);
    await search.fill('办公');
    await expect.poll(shownIds).toEqual([chineseId]);
    await search.fill('cust-2001');
    await expect.poll(shownIds).toEqual([chineseId]);
    await search.fill('router');
    await expect.poll(shownIds).toEqual([englishId]);
    await search.fill('nobody-here');
    await page.getByText('No conversation matches these filters.').waitFor();
    await search.fill('');
    // "Needs attention" keeps exactly the rows marked as such (alerts, high churn, negative mood).
    const marked = await page
      .locator('.live-board tbody tr.needs-attention')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-conversation')));
    await page.getByLabel('Needs attention').check();
    if (marked.length === 0)
      await page.getByText('No conversation matches these filters.').waitFor();
    else await expect.poll(shownIds).toEqual(marked);
    await page.getByLabel('Needs attention').uncheck();
    await expect.poll(async () => (await shownIds()).length).toBe(2);

    // Nothing spills sideways at 1280×800, and the board passes axe.
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    for (const table of await page.locator('.table-wrap').all())
      expect(await table.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(
        true,
      );

    // The Mandarin call ends while the board is open: it moves to "Recently ended" and its
    // wrap-up arrives there.
    await connector.request({ type: 'end', conversationId: chineseId });
    await expect.poll(shownIds, { timeout: 30_000 }).toEqual([englishId]);
    const endedChinese = page.locator('.ended-table tbody tr', { hasText: chineseId });
    await endedChinese.waitFor();
    await expect
      .poll(() => endedChinese.locator('td').nth(5).textContent(), { timeout: 60_000 })
      .toMatch(/\d+%/);
    expect(await endedChinese.textContent()).toContain('Bob Example');
    const summary = await endedChinese.locator('td.summary-cell').textContent();
    expect(summary).not.toMatch(/Wrapping up/);
    expect(summary!.length).toBeGreaterThan(3);

    // The conversation detail page of a live call passes axe too.
    await english.getByRole('link', { name: englishId }).click();
    await page.getByRole('heading', { name: englishId }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('shows the reviewed score in the QA list once a reviewer changed one, the automatic one beside it', async () => {
    const list = await api('GET', '/api/qa/conversations');
    const call = (
      list.conversations as Array<{ id: string; externalId: string; qaScore: number }>
    ).find((row) => row.externalId === endedId)!;
    const reviewed = (await api('POST', `/api/qa/conversations/${call.id}/overrides`, {
      criterionId: 'greeting',
      score: 0,
      comment: 'No company name in the greeting',
    })) as { reviewedOverall: number };
    expect(reviewed.reviewedOverall).toBeLessThan(call.qaScore);

    const page = await signIn(browser, server.httpUrl, server.keys.supervisor, {
      home: '/supervisor',
      viewport: { width: 1280, height: 800 },
    });
    // On the board, the ended call's score is the reviewed one.
    const ended = page.locator('.ended-table tbody tr', { hasText: endedId });
    await ended.waitFor();
    const percentText = (value: number) => `${Math.round(value * 100)}%`;
    expect(await ended.locator('td').nth(5).textContent()).toContain(
      `${percentText(reviewed.reviewedOverall)} reviewed`,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'QA review' }).click();
    await page.waitForURL('**/qa');
    const row = page.locator('tbody tr', { hasText: endedId });
    await row.waitFor();
    const score = await row.locator('.qa-score').textContent();
    expect(score).toContain(percentText(reviewed.reviewedOverall));
    expect(score).toContain(`auto ${percentText(call.qaScore)}`);
    expect(await row.locator('.reviewed-badge').textContent()).toBe('Reviewed');
    expect(await row.textContent()).toContain('by supervisor');
    expect(await row.textContent()).toContain('Alice Example');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(
      await page
        .locator('.table-wrap')
        .evaluate((element) => element.scrollWidth <= element.clientWidth),
    ).toBe(true);

    await row.getByRole('link', { name: endedId }).click();
    await page.getByRole('heading', { name: endedId }).waitFor();
    await page.locator('li.criterion[data-criterion="greeting"] .score-chip.human').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
