import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { replayCall } from '../../src/cli/replay/replay-call.js';
import { connectIngest } from '../../src/cli/replay/ingest-client.js';
import { ingestPath } from '../../src/knowledge/ingest.js';
import {
  buildConsoles,
  launchChromium,
  loadDemoCall,
  root,
  serveConsoles,
  signIn,
} from './browser-support.js';
import { seriousAxeViolations } from './accessibility.js';

const stamp = Date.now().toString(36);
const endedEnglish = `audit-ended-en-${stamp}`;
const endedChinese = `audit-ended-zh-${stamp}`;
const liveEnglish = `audit-live-en-${stamp}`;
const liveChinese = `audit-live-zh-${stamp}`;

// What a person should never have to read: a service's id or a serialised object.
const ID_PATTERNS: Array<[string, RegExp]> = [
  ['key id', /\bk_[0-9a-f]{8}\b/],
  ['conversation id', /\bc_[0-9a-f]{8}-/],
  ['uuid', /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i],
  ['help request id', /\bh_[0-9a-f]{8}/],
];

/** What the pages say when there is nothing to show: wrong when the list failed to load. */
const EMPTY_CLAIMS = [
  'No active conversation',
  'Waiting for your next conversation',
  'No conversation is in progress right now.',
  '0 conversations in progress',
  'No agent is asking for help right now.',
  'No call has ended in the last 30 minutes.',
  'No conversation has finished yet.',
  'There are no articles yet.',
  'No articles to show.',
  'No keys yet.',
];

/** Lines of visible text that parse as a JSON object or array, or carry a quoted JSON key. */
function jsonLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => {
      if (line.includes('{"')) return true;
      if (!/^[[{].*[\]}]$/.test(line)) return false;
      try {
        const parsed: unknown = JSON.parse(line);
        return typeof parsed === 'object' && parsed !== null;
      } catch {
        return false;
      }
    });
}

/** Everything wrong with the page as it is now: axe, raw JSON, ids; an empty list is a pass. */
async function problemsOn(page: Page, label: string): Promise<string[]> {
  const text = await page.locator('body').innerText();
  if (process.env.CUECARD_AUDIT_DUMP) {
    const dir = path.join('/tmp', 'cuecard-audit');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${label.replace(/[^a-z0-9]+/gi, '-')}.txt`), text);
    await page.screenshot({
      path: path.join(dir, `${label.replace(/[^a-z0-9]+/gi, '-')}.png`),
      fullPage: true,
    });
  }
  const problems = (await seriousAxeViolations(page)).map((line) => `axe ${line}`);
  for (const line of jsonLines(text)) problems.push(`raw JSON: ${line.slice(0, 120)}`);
  for (const [name, pattern] of ID_PATTERNS) {
    const match = pattern.exec(text);
    if (match) problems.push(`${name} shown: ${match[0]}`);
  }
  // Codes and placeholders where words belong.
  const lines = text.split('\n').map((line) => line.trim());
  for (const line of lines) {
    if (/^(en|zh)\b · /.test(line)) problems.push(`language code shown: ${line}`);
    if (/due —/.test(line)) problems.push(`empty due date shown: ${line}`);
  }
  // One sentence said twice in a row (a refusal printed as its text and again as its reason).
  const said = lines.filter(Boolean);
  for (const [index, line] of said.entries())
    if (index > 0 && line.length > 8 && line === said[index - 1])
      problems.push(`said twice: ${line.slice(0, 80)}`);
  return problems.map((problem) => `${label}: ${problem}`);
}

/** Every console page, walked by each role as a new user meets it, in Chromium. */
describe('every console page, as each role meets it', () => {
  let server: TestServer;
  let browser: Browser;
  let connector: Awaited<ReturnType<typeof connectIngest>>;
  const ids: Record<string, string> = {};

  async function api<T>(url: string): Promise<T> {
    const response = await fetch(`${server.httpUrl}${url}`, {
      headers: { authorization: `Bearer ${server.keys.admin}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  beforeAll(async () => {
    await buildConsoles();
    server = await startTestServer({
      defaultCapabilities: true,
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000', CUECARD_LOAD_SHEDDING: 'false' },
      beforeListen: serveConsoles,
    });
    await ingestPath(server.services.knowledge!, 'acme', path.join(root, 'knowledge/articles'));
    connector = await connectIngest(server.wsUrl, server.keys.connector);
    // Two finished calls (one per language) for the QA pages, two in progress for the live ones.
    const calls: Array<[string, string, string, number | undefined]> = [
      [endedEnglish, 'demo-double-charge', 'alice', undefined],
      [endedChinese, 'demo-zh-outage', 'bob', undefined],
      [liveEnglish, 'demo-cancel-plan', 'alice', 4],
      [liveChinese, 'demo-zh-outage', 'alice', 7],
    ];
    for (const [conversationId, script, agentId, turns] of calls) {
      await replayCall(connector, await loadDemoCall(script), {
        conversationId,
        agentId,
        turnGapMs: 0,
        interims: 1,
        ...(turns ? { turns } : {}),
      });
    }
    await server.services.pipeline.drain();
    const listed = await api<{ conversations: Array<{ id: string; externalId: string }> }>(
      '/api/conversations?limit=50',
    );
    for (const row of listed.conversations) ids[row.externalId] = row.id;
    const articles = await api<{ articles: Array<{ id: string; title: string }> }>('/api/articles');
    ids.article = articles.articles.find((article) => /[\u4e00-\u9fff]/.test(article.title))!.id;
    ids.englishArticle = articles.articles.find((a) => !/[\u4e00-\u9fff]/.test(a.title))!.id;
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    connector?.close();
    await browser?.close();
    await server?.close();
  });

  /** The pages each role can open, with text that shows the page has loaded. */
  function pagesFor(role: 'agent' | 'supervisor' | 'knowledgeManager' | 'admin') {
    const supervisor: Array<[string, string]> = [
      ['/supervisor', liveChinese],
      [`/supervisor/conversations/${ids[liveChinese]}`, '路由器'],
      [`/supervisor/conversations/${ids[endedEnglish]}`, endedEnglish],
      ['/qa', endedChinese],
      [`/qa/conversations/${ids[endedEnglish]}`, endedEnglish],
      [`/qa/conversations/${ids[endedChinese]}`, endedChinese],
    ];
    const knowledge: Array<[string, string]> = [
      ['/knowledge', 'Articles'],
      [`/knowledge/articles/${ids.article}`, 'Title'],
      [`/knowledge/articles/${ids.englishArticle}`, 'Title'],
      ['/knowledge/articles/new', 'Title'],
    ];
    switch (role) {
      case 'agent':
        return [['/agent', '2 active conversations']] as Array<[string, string]>;
      case 'supervisor':
        return supervisor;
      case 'knowledgeManager':
        return knowledge;
      case 'admin':
        return [...supervisor, ...knowledge, ['/admin/keys', 'Alice Example']] as Array<
          [string, string]
        >;
    }
  }

  it('shows the sign-in page and every page of every role without raw JSON, ids or serious axe violations', async () => {
    const problems: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const signInPage = await context.newPage();
    await signInPage.goto(`${server.httpUrl}/sign-in`);
    await signInPage.getByLabel('API key').waitFor();
    problems.push(...(await problemsOn(signInPage, 'sign-in')));
    await signInPage.getByLabel('API key').fill('ck_not-a-real-key');
    await signInPage.getByRole('button', { name: 'Sign in' }).click();
    await signInPage.getByRole('alert').waitFor();
    problems.push(...(await problemsOn(signInPage, 'sign-in with a wrong key')));
    await context.close();

    for (const role of ['agent', 'supervisor', 'knowledgeManager', 'admin'] as const) {
      const page = await signIn(browser, server.httpUrl, server.keys[role]);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      for (const [url, loaded] of pagesFor(role)) {
        await page.goto(`${server.httpUrl}${url}`);
        await page.getByText(loaded).first().waitFor({ timeout: 30_000 });
        // Panels that load on their own settle before the page is judged.
        await page.waitForLoadState('networkidle');
        problems.push(...(await problemsOn(page, `${role} ${url}`)));
      }
      await page.context().close();
    }
    expect(problems).toEqual([]);
  }, 600_000);

  it("tells a conversation's events in words, naming languages and articles, not stage codes", async () => {
    const page = await signIn(browser, server.httpUrl, server.keys.supervisor);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`${server.httpUrl}/supervisor/conversations/${ids[liveChinese]}`);
    const log = page.locator('.event-log');
    await log.getByText('Conversation started').waitFor();
    const lines = await log.locator('li').allInnerTexts();
    expect(lines.some((line) => line.endsWith('Turn 1: the agent spoke'))).toBe(true);
    expect(lines.some((line) => line.includes('language detected: Chinese'))).toBe(true);
    expect(lines.some((line) => line.includes('Article suggested: 故障补偿与赔偿标准'))).toBe(true);
    // The analyzers' and wrap-up steps' code names are for programs.
    for (const line of lines) expect(line).not.toMatch(/article-cards|customer-health|next-step/);
    await page.context().close();
  }, 120_000);

  it('says what went wrong, in words, on every page when the service fails', async () => {
    const problems: string[] = [];
    const failure = 'The Cuecard service had a problem; try again in a moment.';
    for (const role of ['agent', 'admin'] as const) {
      const page = await signIn(browser, server.httpUrl, server.keys[role]);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      // Every request but "who am I" (the session itself) answers 500, as a failing service does.
      await page.route('**/api/**', (route) =>
        new URL(route.request().url()).pathname === '/api/me'
          ? route.fallback()
          : route.fulfill({
              status: 500,
              contentType: 'application/json',
              body: JSON.stringify({ error: { code: 'internal', message: failure } }),
            }),
      );
      // The new-article form asks the service nothing until it is saved.
      const urls =
        role === 'agent'
          ? ['/agent']
          : pagesFor('admin')
              .map(([url]) => url)
              .filter((url) => !url.endsWith('/new'));
      for (const url of urls) {
        await page.goto(`${server.httpUrl}${url}`);
        const alert = page.getByRole('alert').filter({ hasText: failure }).first();
        try {
          await alert.waitFor({ timeout: 15_000 });
        } catch {
          const text = (
            await page
              .locator('main')
              .innerText()
              .catch(() => '')
          ).slice(0, 200);
          problems.push(`${role} ${url}: no error message; the page says ${JSON.stringify(text)}`);
          continue;
        }
        await page.waitForLoadState('networkidle');
        problems.push(...(await problemsOn(page, `${role} ${url} failing`)));
        // What failed to load is unknown, not absent: no panel may claim there is nothing.
        const text = await page.locator('main').innerText();
        for (const claim of EMPTY_CLAIMS)
          if (text.includes(claim)) problems.push(`${role} ${url} failing: says "${claim}"`);
        // Every request has been answered: a panel still "Loading" never noticed its failure.
        if (/Loading/.test(text)) problems.push(`${role} ${url} failing: still says "Loading"`);
      }
      if (role === 'agent') {
        // Only the customer's record fails: the call is on screen, its customer panel says why.
        await page.unroute('**/api/**');
        await page.route('**/api/conversations/*/customer', (route) =>
          route.fulfill({
            status: 500,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'internal', message: failure } }),
          }),
        );
        await page.goto(`${server.httpUrl}/agent`);
        await page
          .locator('.panel.customer')
          .getByRole('alert')
          .filter({ hasText: failure })
          .waitFor({ timeout: 30_000 });
        problems.push(...(await problemsOn(page, 'agent /agent customer failing')));
      }
      await page.context().close();
    }
    expect(problems).toEqual([]);
  }, 600_000);

  it('shows every page of an empty tenant with words saying there is nothing yet', async () => {
    const problems: string[] = [];
    const { key: agentKey } = await server.services.tenants.issueKey({
      tenantId: 'globex',
      role: 'agent',
      name: 'Gina Example',
      agentId: 'gina',
    });
    const walks: Array<[string, Array<[string, string]>]> = [
      [agentKey, [['/agent', 'Waiting for your next conversation']]],
      [
        server.keys.otherTenantAdmin,
        [
          ['/supervisor', 'No conversation is in progress right now.'],
          ['/qa', 'No conversation has finished yet.'],
          ['/knowledge', 'There are no articles yet.'],
          ['/knowledge/articles/new', 'Title'],
          ['/admin/keys', 'Gina Example'],
        ],
      ],
    ];
    for (const [key, pages] of walks) {
      const page = await signIn(browser, server.httpUrl, key);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      for (const [url, empty] of pages) {
        await page.goto(`${server.httpUrl}${url}`);
        try {
          await page.getByText(empty).first().waitFor({ timeout: 15_000 });
        } catch {
          const text = (
            await page
              .locator('main')
              .innerText()
              .catch(() => '')
          ).slice(0, 300);
          problems.push(`empty ${url}: no "${empty}"; the page says ${JSON.stringify(text)}`);
          continue;
        }
        await page.waitForLoadState('networkidle');
        problems.push(...(await problemsOn(page, `empty ${url}`)));
      }
      await page.context().close();
    }
    expect(problems).toEqual([]);
  }, 600_000);
});
