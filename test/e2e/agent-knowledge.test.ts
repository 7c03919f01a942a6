import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../support/test-server.js';
import { replayCall } from '../../src/cli/replay/replay-call.js';
import { connectIngest } from '../../src/cli/replay/ingest-client.js';
import { seriousAxeViolations } from './accessibility.js';
import { loadDemoCall, signIn, startDemoConsoles } from './browser-support.js';

/**
 * Issue 21, the agent's knowledge tools: on a live call the agent searches the demo knowledge
 * base, reads an article in full beside the call, and puts a passage into the reply draft; the
 * use is stored as "used" feedback and becomes evidence the learned ranker trains on.
 */
describe('the agent searches knowledge and uses a passage, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, browser } = await startDemoConsoles());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The agent's console following a live demo call (its first turns). */
  async function onLiveCall(callId: string, turns: number) {
    const page = await signIn(browser, server.httpUrl, server.keys.agent);
    await page.getByRole('heading', { name: 'Agent console' }).waitFor();
    const script = await loadDemoCall(callId);
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    const externalId = `${callId}-${Date.now().toString(36)}`;
    const seq = await replayCall(connector, script, {
      conversationId: externalId,
      agentId: 'alice',
      turnGapMs: 100,
      interims: 0,
      turns,
    });
    const first = script.turns[0]!;
    if (!('text' in first)) throw new Error('the demo call opens with an utterance');
    await page.getByText(first.text).first().waitFor({ timeout: 30_000 });
    const { rows } = await server.services.db.query<{ id: string }>(
      'SELECT id FROM conversations WHERE external_id = $1',
      [externalId],
    );
    /** The customer says one more line on the call. */
    const say = (text: string) =>
      connector.request({
        type: 'utterance',
        conversationId: externalId,
        seq: seq + 1,
        speaker: 'customer',
        text,
        final: true,
      });
    return { page, connector, conversationId: rows[0]!.id, say };
  }

  async function articleId(title: string): Promise<string> {
    const { articles } = (
      await server.call('GET', '/api/articles', server.keys.knowledgeManager)
    ).json<{ articles: { id: string; title: string }[] }>();
    return articles.find((article) => article.title === title)!.id;
  }

  /** "used" rows stored for the article on the conversation, without a suggestion (search found it). */
  async function storedUses(conversationId: string, article: string) {
    const feedback = await server.services.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM article_feedback
        WHERE conversation_id = $1 AND article_id = $2 AND kind = 'used' AND suggestion_id IS NULL`,
      [conversationId, article],
    );
    const evidence = await server.services.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM resolution_evidence
        WHERE conversation_id = $1 AND article_id = $2 AND source = 'used'`,
      [conversationId, article],
    );
    return { feedback: feedback.rows[0]!.n, evidence: evidence.rows[0]!.n };
  }

  /** Types a query; the result with this title, once it shows marked words. */
  async function search(page: Page, query: string, title: string) {
    await page.getByLabel('Search knowledge', { exact: true }).fill(query);
    const result = page.locator('.knowledge-search .card', { hasText: title });
    await result.waitFor({ timeout: 30_000 });
    await expect.poll(() => result.locator('mark').count()).toBeGreaterThan(0);
    expect(await result.locator('.passage').textContent()).not.toContain('**');
    return result;
  }

  it('finds an English article, opens it beside the call, and inserts a paragraph as "used"', async () => {
    const { page, connector, conversationId } = await onLiveCall('demo-double-charge', 2);
    const title = 'Refund policy and refund timelines';
    const result = await search(page, 'how long does a card refund take', title);
    expect(await page.getByRole('search').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);

    const open = result.getByRole('button', { name: 'Open article' });
    await open.click();
    const drawer = page.getByRole('dialog', { name: title });
    await drawer.locator('strong', { hasText: 'Timelines to tell the customer' }).waitFor();
    // Formatted, never raw Markdown; the call stays on screen beside it.
    expect(await drawer.locator('.article-view-body').textContent()).not.toMatch(/\*\*|^#/m);
    await page.locator('.transcript').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('article-view-title');
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Opening it to read during the call is use already: evidence for the learned ranker.
    const refunds = await articleId(title);
    await expect
      .poll(() => storedUses(conversationId, refunds))
      .toEqual({ feedback: 1, evidence: 1 });

    const timelines = drawer.locator('.article-block', { hasText: 'Card refunds' });
    await timelines.getByRole('button', { name: 'Insert', exact: true }).click();
    await timelines.getByRole('status').getByText('recorded as used').waitFor();
    const draft = page.getByLabel('Reply draft');
    expect(await draft.inputValue()).toContain(
      '- Card refunds: 3–5 business days to appear after we issue them, up to 10 days for some banks.',
    );
    expect(await draft.inputValue()).not.toContain('**');
    await expect
      .poll(() => storedUses(conversationId, refunds))
      .toEqual({ feedback: 1, evidence: 1 });

    // Escape closes the drawer and gives focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(await open.evaluate((button) => button === document.activeElement)).toBe(true);

    // The search result's own passage goes in too; the same article is not counted twice.
    await result.getByRole('button', { name: 'Insert', exact: true }).click();
    await result.getByRole('status').getByText('recorded as used').waitFor();
    const passage = (await result.locator('.passage').textContent())!.trim().slice(0, 20);
    expect(await draft.inputValue()).toContain(passage);
    expect(await storedUses(conversationId, refunds)).toEqual({ feedback: 1, evidence: 1 });
    connector.close();
    await page.context().close();
  });

  it('opens a card article, copies a paragraph, inserts the suggested reply and the answer, each as "used"', async () => {
    const { page, connector, conversationId, say } = await onLiveCall('demo-double-charge', 2);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.httpUrl,
    });
    const card = page.locator('.panel.articles .card').first();
    await card.waitFor({ timeout: 30_000 });
    const title = (await card.locator('h3').textContent())!.trim();
    // Newer cards arrive on top: pin this one by its title before acting on it.
    const pinned = page.locator('.panel.articles .card', { hasText: title });
    await pinned.getByRole('button', { name: 'Open article' }).click();
    const drawer = page.getByRole('dialog', { name: title });
    const paragraph = drawer.locator('.article-block').first();
    await paragraph.waitFor();
    expect(await drawer.locator('.article-view-body').textContent()).not.toContain('**');
    await paragraph.getByRole('button', { name: 'Copy', exact: true }).click();
    await paragraph.getByRole('status').getByText('Copied · recorded as used').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.length).toBeGreaterThan(10);
    expect(copied).not.toMatch(/\*\*|^#/m);
    // Opened from a card, the use names the card's suggestion too.
    const { rows } = await server.services.db.query<{ suggestion_id: string | null }>(
      `SELECT suggestion_id FROM article_feedback WHERE conversation_id = $1 AND kind = 'used'`,
      [conversationId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.suggestion_id).toMatch(/\S/);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    const reply = page.locator('.panel.reply');
    await reply.getByRole('button', { name: 'Insert reply' }).click({ timeout: 30_000 });
    await reply.getByRole('status').getByText('recorded as used').waitFor();
    const text = (await reply.locator('.reply-text').textContent())!.trim();
    expect(await page.getByLabel('Reply draft').inputValue()).toBe(text);
    await expect
      .poll(async () => {
        const { rows: events } = await server.services.db.query<{ kind: string }>(
          `SELECT payload -> 'feedback' ->> 'kind' AS kind FROM events
            WHERE conversation_id = $1 AND type = 'feedback' ORDER BY id`,
          [conversationId],
        );
        return events.map((event) => event.kind);
      })
      .toEqual(['article', 'reply']);

    // A question the refund article answers: the answer takes a verdict and is used like a passage.
    await say('How long does a card refund take to show up?');
    const answer = page.locator('.panel.answer');
    await answer.getByRole('button', { name: 'Helpful', exact: true }).click({ timeout: 30_000 });
    await answer.getByText('Marked helpful').waitFor();
    await answer.getByRole('button', { name: 'Insert answer' }).click();
    await answer.getByRole('status').getByText('recorded as used').waitFor();
    const answerText = (await answer.locator('.answer-text, .passage').first().innerText()).trim();
    expect(await page.getByLabel('Reply draft').inputValue()).toContain(answerText.slice(0, 12));
    const { rows: verdicts } = await server.services.db.query<{ verdict: string }>(
      `SELECT payload -> 'feedback' ->> 'verdict' AS verdict FROM events
        WHERE conversation_id = $1 AND type = 'feedback' AND payload -> 'feedback' ->> 'kind' = 'answer'
        ORDER BY id`,
      [conversationId],
    );
    expect(verdicts.map((row) => row.verdict)).toEqual(['helpful', 'used']);
    // Its source opens in the same drawer beside the call.
    const source = answer.locator('a.citation').first();
    const sourceTitle = (await source.textContent())!.trim();
    await source.click();
    const sourceDrawer = page.getByRole('dialog', { name: sourceTitle });
    await sourceDrawer.locator('.article-block').first().waitFor();
    await page.keyboard.press('Escape');
    await sourceDrawer.waitFor({ state: 'detached' });
    // The articles it cites are evidence for the ranker, as a used reply's are.
    const cited = await server.services.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM resolution_evidence WHERE conversation_id = $1 AND source = 'cited'`,
      [conversationId],
    );
    expect(cited.rows[0]!.n).toBeGreaterThan(0);
    connector.close();
    await page.context().close();
  });

  it('finds a Chinese article by a Chinese query and inserts its passage as "used"', async () => {
    const { page, connector, conversationId } = await onLiveCall('demo-zh-outage', 1);
    const title = '故障补偿与赔偿标准';
    const result = await search(page, '断网补偿', title);
    await result.getByRole('button', { name: 'Open article' }).click();
    const drawer = page.getByRole('dialog', { name: title });
    await drawer.locator('strong', { hasText: '自动补偿' }).waitFor();
    expect(await drawer.locator('.article-view-body').textContent()).not.toContain('**');
    expect(await seriousAxeViolations(page)).toEqual([]);

    const automatic = drawer.locator('.article-block', { hasText: '自动补偿' });
    await automatic.getByRole('button', { name: 'Insert', exact: true }).click();
    await automatic.getByRole('status').getByText('recorded as used').waitFor();
    expect(await page.getByLabel('Reply draft').inputValue()).toContain(
      '自动补偿：故障持续超过 24 小时，所有受影响的账户会自动获得补偿',
    );
    const compensation = await articleId(title);
    await expect
      .poll(() => storedUses(conversationId, compensation))
      .toEqual({ feedback: 1, evidence: 1 });
    await drawer.getByRole('button', { name: 'Close article' }).click();
    await drawer.waitFor({ state: 'detached' });

    // The service out of reach: the search says so and offers to try again.
    await page.route('**/api/knowledge/search?*', (route) => route.abort());
    await page.getByLabel('Search knowledge', { exact: true }).fill('退款');
    const problem = page.locator('.knowledge-search').getByRole('alert');
    await problem.getByText('Search failed: The Cuecard service cannot be reached').waitFor();
    await page.unroute('**/api/knowledge/search?*');
    await problem.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.knowledge-search .card', { hasText: '退款' }).first().waitFor();

    connector.close();
    await page.context().close();
  });
});
