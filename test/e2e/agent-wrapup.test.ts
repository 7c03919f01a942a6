import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/test-server.js';
import type { CallScript } from '../../src/cli/replay/call-script.js';
import { replayCall, type IngestSocket } from '../../src/cli/replay/replay-call.js';
import { connectIngest } from '../../src/cli/replay/ingest-client.js';
import {
  buildConsoles,
  launchChromium,
  loadDemoCall,
  serveConsoles,
  signIn,
} from './browser-support.js';
import { seriousAxeViolations } from './accessibility.js';

/** Sends the script's turns after the first `from - 1` as a connector would, then ends the call. */
async function finishCall(
  connector: IngestSocket,
  script: CallScript,
  externalId: string,
  from: number,
): Promise<void> {
  for (let seq = from; seq <= script.turns.length; seq++) {
    const turn = script.turns[seq - 1]!;
    const reply = await connector.request(
      'action' in turn
        ? { type: 'action', conversationId: externalId, seq, action: turn.action, data: turn.data }
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
  }
  await connector.request({ type: 'end', conversationId: externalId });
}

const summaryBox = (page: Page) => page.locator('.wrapup textarea[data-shortcut="wrapup"]');

/** Issue 21 in the agent console: steps ticked during the call, the wrap-up edited after it. */
describe('the agent’s wrap-up in a real browser', () => {
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
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('ticks a step, edits the summary, corrects the code and changes a follow-up; all of it is there after a reload and in QA', async () => {
    const page = await signIn(browser, server.httpUrl, server.keys.agent, { home: '/agent' });
    const script = await loadDemoCall('demo-double-charge');
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    const externalId = `wrapup-${Date.now().toString(36)}`;
    await replayCall(connector, script, {
      conversationId: externalId,
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
      turns: 2,
    });

    // During the call: the checklist, each open step with Done and Skip. Dismissing the
    // suggestion hides the suggestion only, never the checklist.
    const steps = page.locator('.next-steps');
    const dismiss = steps.getByRole('button', { name: 'Dismiss', exact: true });
    await dismiss.waitFor({ timeout: 60_000 });
    const stepCount = await steps.locator('li').count();
    expect(stepCount).toBeGreaterThan(1);
    await dismiss.click();
    await expect.poll(() => steps.locator('.reason').count()).toBe(0);
    expect(await steps.locator('li').count()).toBe(stepCount);

    const tick = steps.getByRole('button', { name: /^Mark “.+” done$/ }).first();
    const tickedTitle = (await tick.getAttribute('aria-label'))!.replace(
      /^Mark “(.+)” done$/,
      '$1',
    );
    await tick.click();
    await steps.locator('li.done', { hasText: tickedTitle }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    await finishCall(connector, script, externalId, 3);
    connector.close();

    // After the call: the wrap-up, summary first.
    const summary = summaryBox(page);
    await summary.waitFor({ timeout: 60_000 });
    const edited = 'Refunded the duplicate $24.99 charge. Callback on Thursday to confirm.';
    await summary.fill(edited);
    await page.getByRole('button', { name: 'Save summary' }).click();
    await page.getByText('Summary saved').waitFor();

    const wrapup = page.locator('.panel.wrapup');
    await wrapup.getByLabel('Correct to').selectOption({ label: 'Complaint' });
    await wrapup.getByRole('button', { name: 'Save code' }).click();
    await wrapup.getByText('Wrap-up code saved: Complaint').waitFor();

    const followUp = wrapup.locator('li.follow-up').first();
    await followUp.getByRole('button', { name: 'Edit' }).click();
    const changedMessage = 'Call Dana on Thursday about the refund';
    await followUp.getByLabel('Message').fill(changedMessage);
    await followUp.getByRole('button', { name: 'Save follow-up' }).click();
    await followUp.getByText('· Changed').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A reload reads everything back from the service.
    await page.reload();
    await summaryBox(page).waitFor({ timeout: 30_000 });
    await expect.poll(() => summaryBox(page).inputValue()).toBe(edited);
    await page.getByText('Edited by Alice Example').waitFor();
    await page.getByText('Corrected by the agent to Complaint').waitFor();
    const reloadedFollowUp = page.locator('.panel.wrapup li.follow-up', {
      hasText: changedMessage,
    });
    await reloadedFollowUp.getByText('· Changed').waitFor();
    await page.locator('.next-steps li.done', { hasText: tickedTitle }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    // QA: the disposition criterion is scored now that the agent chose a code.
    const conversation = (await server.services.conversations.findByExternalId(
      'acme',
      externalId,
    ))!;
    // QA is the last wrap-up step: on a busy machine it may still be running after the agent's
    // edits, and the review page shows a conversation as it was when opened.
    const scored = async () => {
      const review = await server.call(
        'GET',
        `/api/qa/conversations/${conversation.id}`,
        server.keys.supervisor,
      );
      const criteria = (review.json().scorecard ?? []) as { criterionId: string }[];
      return criteria.some((entry) => entry.criterionId === 'correct_disposition');
    };
    await expect.poll(scored, { timeout: 60_000 }).toBe(true);
    const qa = await signIn(browser, server.httpUrl, server.keys.supervisor);
    await qa.goto(`${server.httpUrl}/qa/conversations/${conversation.id}`);
    const criterion = qa.locator('[data-criterion="correct_disposition"]');
    await criterion.waitFor({ timeout: 30_000 });
    expect(await criterion.locator('.score-chip').first().textContent()).toMatch(/: (Met|Missed)$/);
    await qa.getByText(edited).waitFor();
    // The supervisor's view of the call shows what the agent saved, read-only.
    await qa.goto(`${server.httpUrl}/supervisor/conversations/${conversation.id}`);
    const saved = qa.locator('.panel.wrapup');
    await saved.getByText('Corrected by the agent to Complaint').waitFor({ timeout: 30_000 });
    await saved.getByText(edited).waitFor();
    await saved.getByText(changedMessage).waitFor();
    expect(await saved.locator('textarea, select').count()).toBe(0);
    await qa.getByText(/marked the step .+ done/).waitFor();
    await qa.context().close();
    await page.context().close();
  });

  it('shows and saves the wrap-up of a Chinese call', async () => {
    const page = await signIn(browser, server.httpUrl, server.keys.agent, { home: '/agent' });
    const script = await loadDemoCall('demo-zh-outage');
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await replayCall(connector, script, {
      conversationId: `zh-wrapup-${Date.now().toString(36)}`,
      agentId: 'alice',
      turnGapMs: 0,
      interims: 0,
    });
    connector.close();
    const summary = summaryBox(page);
    await summary.waitFor({ timeout: 60_000 });
    // The generated summary is the Chinese one.
    await expect.poll(() => summary.inputValue()).toMatch(/[\u4e00-\u9fff]/);
    const edited = '光缆故障导致断网，预计今天下午六点前恢复；如未恢复，明天上午安排上门检查。';
    await summary.fill(edited);
    await page.getByRole('button', { name: 'Save summary' }).click();
    await page.getByText('Summary saved').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.reload();
    await summaryBox(page).waitFor({ timeout: 30_000 });
    await expect.poll(() => summaryBox(page).inputValue()).toBe(edited);
    await page.context().close();
  });
});
