import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import type { Browser } from 'playwright-core';
import type { WebSocket } from 'ws';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { registerWebConsoles } from '../../src/app/plugins/static-web.js';
import { createSentimentAnalyzer } from '../../src/understanding/sentiment/sentiment-analyzer.js';
import { createSentimentModel } from '../../src/understanding/sentiment/index.js';
import { defineAnalyzer, type RunnableAnalyzer } from '../../src/pipeline/analyzer.js';
import { intentAnalysis } from '../../src/understanding/intent/testing/intent-analysis.js';
import type { CallScript } from '../../src/cli/replay/call-script.js';
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

/** Intent as the supervisor sees it; the real intent analyzer is built elsewhere. */
const scriptedIntent = defineAnalyzer({
  name: 'intent',
  languages: 'any',
  reads: [],
  async analyze({ item }) {
    if (item.kind !== 'utterance' || item.speaker !== 'customer') return null;
    return { result: intentAnalysis('billing-dispute', 0.9) };
  },
});

/**
 * Assist output for the "charged twice" turn: an article (whose highlight tries to inject
 * markup), next steps, a reply and an alert, as the assist analyzers will publish them.
 */
const scriptedAssist: RunnableAnalyzer = {
  name: 'scripted-assist',
  languages: 'any',
  reads: [],
  async analyze({ item }) {
    if (item.kind !== 'utterance' || !/charged twice/i.test(item.text)) return null;
    const seq = item.seq;
    return {
      events: [
        {
          type: 'suggestion',
          seq,
          suggestion: {
            kind: 'article',
            suggestionId: 'sg-article-1',
            articleId: 'kb-duplicate-charges',
            title: 'Refunding duplicate charges',
            passage: 'A duplicate charge is refunded to the original card.',
            highlighted:
              'A <mark>duplicate charge</mark> is **refunded in full** <img src=x onerror="window.__injected=1"> to the card.',
            score: 0.82,
            reason: 'Matches "charged twice"',
          },
        },
        {
          type: 'suggestion',
          seq,
          suggestion: {
            kind: 'next-step',
            suggestionId: 'sg-step-1',
            playbookId: 'billing',
            stepId: 'verify',
            title: 'Duplicate charge playbook',
            reason: 'Billing dispute detected',
            done: ['Greet the customer'],
            remaining: ['Verify identity', 'Issue the refund'],
          },
        },
        {
          type: 'suggestion',
          seq,
          suggestion: {
            kind: 'reply',
            suggestionId: 'sg-reply-1',
            text: 'I am sorry about the double charge; let me refund it right away.',
            source: 'template',
            citations: [],
            reason: 'Apology template for billing errors',
          },
        },
        {
          type: 'alert',
          seq,
          alert: {
            alertId: 'al-1',
            kind: 'escalation',
            severity: 'warning',
            title: 'Frustrated customer',
            reason: 'The customer says they are annoyed',
            evidence: [seq],
          },
        },
      ],
    };
  },
};

const SENTIMENT_COLOURS: Record<string, string> = {
  negative: 'rgb(198, 40, 40)',
  neutral: 'rgb(138, 150, 166)',
  positive: 'rgb(23, 122, 66)',
};

describe('consoles in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let script: CallScript;
  const subscribeSockets: WebSocket[] = [];

  beforeAll(async () => {
    await buildConsoles();
    script = await loadDemoCall('demo-double-charge');
    const model = await createSentimentModel();
    server = await startTestServer({
      analyzers: [createSentimentAnalyzer({ model }), scriptedIntent, scriptedAssist],
      beforeListen: async (app) => {
        await serveConsoles(app);
        // Server-side handles on the consoles' sockets, to cut them like a network blip would.
        app.websocketServer.on('connection', (socket: WebSocket, request: { url?: string }) => {
          if (request.url?.startsWith('/ws/subscribe')) subscribeSockets.push(socket);
        });
      },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves the consoles at / with a history fallback, and keeps API 404s as JSON', async () => {
    const home = await fetch(`${server.httpUrl}/supervisor/conversations/x`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="root">');
    const api = await fetch(`${server.httpUrl}/api/nothing-here`, {
      headers: { authorization: `Bearer ${server.keys.agent}` },
    });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(`${server.httpUrl}/assets/missing-bundle.js`)).status).toBe(404);
  });

  it('says how to build the consoles when web/dist is missing', async () => {
    const bare = Fastify({ logger: false });
    await registerWebConsoles(bare, { distDir: path.join(root, 'web', 'no-such-dist') });
    const response = await bare.inject({ method: 'GET', url: '/agent' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build:web');
    await bare.close();
  });

  it('refuses an unknown key on the sign-in page', async () => {
    const page = await signIn(browser, server.httpUrl, 'ck_not_a_real_key', { refused: true });
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('unknown or has been revoked');
    await page.context().close();
  });

  it('shows a live call to its agent and to a supervisor, through a socket reconnect', async () => {
    const agent = await signIn(browser, server.httpUrl, server.keys.agent, { home: '/agent' });
    await agent.getByRole('heading', { name: 'Agent console' }).waitFor();
    await agent.getByText('Waiting for your next conversation').waitFor();
    await agent.locator('.connection-live').waitFor();

    const supervisor = await signIn(browser, server.httpUrl, server.keys.supervisor, {
      home: '/supervisor',
    });
    await supervisor.getByText('No conversation is in progress right now.').waitFor();
    await supervisor.locator('.connection-live').waitFor();
    // Neither console offers the other's pages.
    expect(await agent.getByRole('link', { name: 'Live conversations' }).count()).toBe(0);
    expect(await supervisor.getByRole('link', { name: 'Agent console' }).count()).toBe(0);

    const conversationId = `e2e-call-${Date.now()}`;
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    const opened = await connector.request({
      type: 'open',
      conversationId,
      channel: 'voice',
      agentId: 'alice',
      customerId: 'cust-1001',
    });
    expect(opened.type).toBe('opened');

    // An interim is shown greyed, then replaced in place by the final text.
    const send = (seq: number, text: string, final: boolean) =>
      final
        ? connector.request({
            type: 'utterance',
            conversationId,
            seq,
            speaker: 'agent',
            text,
            final: true,
            startMs: 0,
            endMs: 900,
          })
        : (connector.send({
            type: 'utterance',
            conversationId,
            seq,
            speaker: 'agent',
            text,
            final: false,
          }),
          Promise.resolve({}));
    const first = script.turns[0]! as { text: string };
    await send(1, 'Thanks for calling', false);
    const interim = agent.locator('.transcript li.interim');
    await interim.getByText('Thanks for calling').waitFor();
    // Greyed (the muted text colour, readable at 4.5:1) and italic until the final replaces it.
    expect(await interim.locator('.text').evaluate((el) => getComputedStyle(el).color)).toBe(
      'rgb(91, 102, 117)',
    );
    await send(1, first.text, true);
    await agent.locator('.transcript li.line-agent:not(.interim)').getByText(first.text).waitFor();
    expect(await agent.locator('.transcript li.interim').count()).toBe(0);

    // Turn 2, the customer's complaint: the suggested reply is there to copy until the agent
    // answers (turn 3); then turn 4, and the supervisor looks in.
    let seq = 1;
    const sendTurn = async (turn: (typeof script.turns)[number]) => {
      if (!('speaker' in turn)) throw new Error('expected an utterance');
      seq++;
      const ack = await connector.request({
        type: 'utterance',
        conversationId,
        seq,
        speaker: turn.speaker,
        text: turn.text,
        final: true,
        startMs: 0,
        endMs: 1000,
      });
      expect(ack.type).toBe('ack');
    };
    await sendTurn(script.turns[1]!);
    const reply = agent.getByText(
      'I am sorry about the double charge; let me refund it right away.',
    );
    await reply.waitFor();
    await agent.locator('.reply').getByRole('button', { name: 'Copy reply' }).waitFor();
    for (const turn of script.turns.slice(2, 4)) await sendTurn(turn);
    // The agent has answered: the reply is spent and leaves the screen.
    await reply.waitFor({ state: 'detached' });

    // Agent: assist panels, sanitised highlight, copy and feedback.
    await agent.getByRole('heading', { name: 'Refunding duplicate charges' }).waitFor();
    const card = agent.locator('.card', { hasText: 'Refunding duplicate charges' });
    expect(await card.locator('mark').textContent()).toBe('duplicate charge');
    // Articles are Markdown: the card shows bold text, not the asterisks.
    expect(await card.locator('.passage strong').textContent()).toBe('refunded in full');
    expect(await card.locator('.passage').textContent()).not.toContain('**');
    expect(await card.locator('img').count()).toBe(0);
    expect(
      await agent.evaluate(() => (window as unknown as { __injected?: number }).__injected),
    ).toBeUndefined();
    await agent.getByText('Frustrated customer').waitFor();
    const steps = agent.locator('.next-steps');
    expect(await steps.locator('li.done').allTextContents()).toEqual([
      '✓Greet the customer (done)',
    ]);
    expect(await steps.locator('li.remaining').count()).toBe(2);
    await card.getByRole('button', { name: 'Helpful', exact: true }).click();
    await card.getByText(/Marked helpful/).waitFor();

    // Supervisor: the live conversation, its intent and alert, the filters, then the detail.
    const row = supervisor.locator('tbody tr', { hasText: conversationId });
    await row.waitFor();
    await row.getByText('Billing dispute').waitFor();
    await expect.poll(() => row.locator('.alert-count').textContent()).toBe('1');
    // The agent by the name of their key, not by the id the connector routes with.
    expect(await row.textContent()).toContain('Alice Example');
    await supervisor.getByLabel('Channel').selectOption('chat');
    await supervisor.getByText('No conversation matches these filters.').waitFor();
    await supervisor.getByLabel('Channel').selectOption('voice');
    await supervisor.getByLabel('Needs attention').check();
    await row.waitFor();
    await row.getByRole('link', { name: conversationId }).click();
    await supervisor.waitForURL(/\/supervisor\/conversations\/c_/);
    await supervisor.getByRole('heading', { name: conversationId }).waitFor();
    await expect
      .poll(() => supervisor.locator('.transcript li.line:not(.interim)').count())
      .toBe(4);
    expect(await supervisor.getByRole('button', { name: 'Helpful', exact: true }).count()).toBe(0);

    // The rest of the call, replayed as a connector would; right after the first of these
    // finals is sent, the consoles' sockets are cut.
    const before = subscribeSockets.length;
    let cut = false;
    await replayCall(
      connector,
      { ...script, turns: script.turns.slice(4) },
      {
        conversationId,
        agentId: 'alice',
        turnGapMs: 60,
        interims: 1,
        onFinalSent: () => {
          if (cut) return;
          cut = true;
          for (const socket of subscribeSockets) socket.terminate();
        },
      },
    );
    connector.close();
    expect(cut).toBe(true);

    // Both consoles came back by themselves (new subscribe sockets)...
    await expect
      .poll(() => subscribeSockets.length - before, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(2);
    // ...and show the stored transcript exactly: nothing lost, nothing doubled, in order.
    const stored = (await (
      await fetch(`${server.httpUrl}/api/conversations/${conversationId}`, {
        headers: { authorization: `Bearer ${server.keys.supervisor}` },
      })
    ).json()) as {
      transcript: Array<{ kind: string; seq: number; text?: string }>;
      events: Array<{ type: string; analyzer?: string; seq?: number; result?: { label?: string } }>;
    };
    const storedLines = stored.transcript
      .map((item) => (item.kind === 'utterance' ? item.text! : null))
      .filter((text) => text !== null);
    expect(storedLines).toHaveLength(script.turns.filter((turn) => 'speaker' in turn).length);

    for (const page of [agent, supervisor]) {
      await page.locator('.status-ended').first().waitFor({ timeout: 15_000 });
      await expect
        .poll(() => page.locator('.transcript li.line:not(.line-action) .text').allTextContents(), {
          timeout: 15_000,
        })
        .toEqual(storedLines);
      expect(await page.locator('.transcript li.line-action').count()).toBe(2);
    }

    // Each line carries the sentiment colour of its analysis; the call has a non-neutral one.
    const labels = new Map<number, string>();
    for (const event of stored.events)
      if (event.type === 'analysis' && event.analyzer === 'sentiment')
        labels.set(event.seq!, event.result!.label!);
    expect([...labels.values()].some((label) => label !== 'neutral')).toBe(true);
    const shown = await agent.locator('.transcript li[data-seq]').evaluateAll((items) =>
      items.map((item) => ({
        seq: Number(item.getAttribute('data-seq')),
        label: item.getAttribute('data-sentiment'),
        colour: getComputedStyle(item).borderLeftColor,
      })),
    );
    expect(shown).toHaveLength(storedLines.length);
    for (const line of shown) {
      expect(line.label).toBe(labels.get(line.seq));
      expect(line.colour).toBe(SENTIMENT_COLOURS[line.label!]);
    }

    // Laptop and large-monitor widths: nothing spills sideways, transcript and assist side by side.
    for (const width of [1280, 1920]) {
      for (const page of [agent, supervisor]) {
        await page.setViewportSize({ width, height: 900 });
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
        ).toBe(true);
        const [transcript, assist] = await Promise.all([
          page.locator('.conversation').boundingBox(),
          page.locator('.assist').boundingBox(),
        ]);
        expect(assist!.x).toBeGreaterThan(transcript!.x + transcript!.width);
      }
    }
    await agent.context().close();
    await supervisor.context().close();
  });

  it('survives a reload: the key is remembered and deep links resolve', async () => {
    const page = await signIn(browser, server.httpUrl, server.keys.supervisor, {
      home: '/supervisor',
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Live conversations' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await page.goto(`${server.httpUrl}/agent`);
    await page.waitForURL('**/sign-in');
    await page.context().close();
  });
});
