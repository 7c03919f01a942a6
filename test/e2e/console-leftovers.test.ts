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

/** "80 % (4 of 5 criteria met)" → 5: how many criteria the automatic QA could score. */
async function scoredCriteria(page: Page): Promise<number> {
  const figure = page.locator('.panel.wrapup .wrapup-section', { hasText: 'Automatic QA' });
  const text = (await figure.locator('dd').textContent()) ?? '';
  const match = /of (\d+) criteria met/.exec(text);
  if (!match) throw new Error(`no QA figure in "${text}"`);
  return Number(match[1]);
}

/**
 * What an agent and a supervisor notice on a call from start to end: what a checklist line means,
 * marks that survive a reload, the automatic QA figure following the agent's code, the event log
 * naming an article found by search, and one "QA review" link on the ended call's page.
 */
describe('console leftovers in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildConsoles();
    server = await startTestServer({
      defaultCapabilities: true,
      // The real models on a busy two-core machine need more than the suite's 300 ms.
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000', CUECARD_LOAD_SHEDDING: 'false' },
      beforeListen: serveConsoles,
    });
    await ingestPath(server.services.knowledge!, 'acme', path.join(root, 'knowledge/articles'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('explains passed steps, keeps marks over a reload, refreshes QA after a correction, and names searched articles', async () => {
    const page = await signIn(browser, server.httpUrl, server.keys.agent, { home: '/agent' });
    const script = await loadDemoCall('demo-double-charge');
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    const externalId = `leftovers-${Date.now().toString(36)}`;
    await replayCall(connector, script, {
      conversationId: externalId,
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
      turns: 2,
    });
    const conversation = (await server.services.conversations.findByExternalId(
      'acme',
      externalId,
    ))!;
    /** Sends the script's turn `seq` as the connector would. */
    const play = async (seq: number) => {
      const turn = script.turns[seq - 1]!;
      const reply = await connector.request(
        'action' in turn
          ? {
              type: 'action',
              conversationId: externalId,
              seq,
              action: turn.action,
              data: turn.data,
            }
          : {
              type: 'utterance',
              conversationId: externalId,
              seq,
              speaker: turn.speaker,
              text: turn.text,
              final: true,
            },
      );
      expect(reply.type, JSON.stringify(reply)).not.toBe('error');
    };

    // The agent ticks "explain or correct" before the charge was identified out loud.
    const steps = page.locator('.next-steps');
    const identify = 'Identify the disputed charge';
    const explain = 'Explain the charge or correct it';
    const tick = steps.getByRole('button', { name: `Mark “${explain}” done` });
    await tick.click({ timeout: 60_000 });
    await steps.locator('li.done', { hasText: explain }).waitFor();

    // On the next turn the tracker counts the tick, and the step before it is passed: the line
    // says so in words, not with a bare dash.
    await play(3);
    const passed = steps.locator('li.passed', { hasText: identify });
    await passed.waitFor({ timeout: 60_000 });
    expect(await passed.textContent()).toContain(
      'Not heard, but the call went on to a later step, so no longer suggested. Tick it if you did it.',
    );
    expect(await passed.getByRole('button', { name: `Mark “${identify}” done` }).count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A reload rebuilds the checklist from the service: the tick is still there.
    await page.reload();
    await page.locator('.next-steps li.done', { hasText: explain }).waitFor({ timeout: 30_000 });
    await page.locator('.next-steps li.passed', { hasText: identify }).waitFor();

    // An article no card suggested, found by typed search and inserted into the reply.
    const router = 'Setting up a new router or TV box';
    await page.getByLabel('Search knowledge', { exact: true }).fill('set up a new router');
    const result = page.locator('.knowledge-search .card', { hasText: router });
    await result.waitFor({ timeout: 30_000 });
    await result.getByRole('button', { name: 'Insert', exact: true }).click();
    await result.getByRole('status').getByText('recorded as used').waitFor();

    for (let seq = 4; seq <= script.turns.length; seq++) await play(seq);
    await connector.request({ type: 'end', conversationId: externalId });
    connector.close();

    // QA scores the call at its end, before any code is chosen: "correct disposition" is N/A.
    const figure = page.locator('.panel.wrapup .wrapup-section', { hasText: 'Automatic QA' });
    await figure.waitFor({ timeout: 60_000 });
    const before = await scoredCriteria(page);
    const wrapup = page.locator('.panel.wrapup');
    await wrapup.getByLabel('Correct to').selectOption({ label: 'Complaint' });
    await wrapup.getByRole('button', { name: 'Save code' }).click();
    await wrapup.getByText('Wrap-up code saved: Complaint').waitFor();
    // The figure follows the code at once, without a reload...
    await expect.poll(() => scoredCriteria(page)).toBe(before + 1);
    // ...and after one.
    await page.reload();
    await page
      .locator('.panel.wrapup .wrapup-section', { hasText: 'Automatic QA' })
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => scoredCriteria(page)).toBe(before + 1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();

    // The supervisor's page of the ended call: one link named "QA review" (the navigation's),
    // the call's own review named apart; the log names the searched article.
    const supervisor = await signIn(browser, server.httpUrl, server.keys.supervisor, {
      home: '/supervisor',
    });
    await supervisor.goto(`${server.httpUrl}/supervisor/conversations/${conversation.id}`);
    const own = supervisor.getByRole('link', { name: 'Review this call in QA' });
    await own.waitFor({ timeout: 30_000 });
    expect(await supervisor.getByRole('link', { name: 'QA review', exact: true }).count()).toBe(1);
    await supervisor
      .locator('.event-log li', { hasText: `Agent used the article “${router}”, found by search` })
      .waitFor({ timeout: 30_000 });
    expect(await seriousAxeViolations(supervisor)).toEqual([]);
    await own.click();
    await supervisor.waitForURL(`**/qa/conversations/${conversation.id}`);
    await supervisor.context().close();
  });
});
