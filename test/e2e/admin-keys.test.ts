import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { connectIngest } from '../../src/cli/replay/ingest-client.js';
import { buildConsoles, launchChromium, serveConsoles, signIn } from './browser-support.js';

/** The admin's key page and names in place of ids, driven in Chromium against the real service. */
describe('API keys page in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildConsoles();
    server = await startTestServer({ beforeListen: serveConsoles });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const statusWith = async (key: string) =>
    (await fetch(`${server.httpUrl}/api/me`, { headers: { authorization: `Bearer ${key}` } }))
      .status;

  it('an admin creates a key, sees it once, copies it; the person is shown by name; revoking stops it', async () => {
    const admin = await signIn(browser, server.httpUrl, server.keys.admin, { home: '/supervisor' });
    await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: server.httpUrl,
    });
    await admin.getByRole('link', { name: 'API keys' }).click();
    await admin.waitForURL('**/admin/keys');
    // The tenant's keys by name and role; the other tenant's never.
    const table = admin.getByRole('table', { name: 'API keys' });
    await table.getByRole('rowheader', { name: 'Alice Example' }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(6);

    const form = admin.getByRole('form', { name: 'New key' });
    await form.getByLabel('Name').fill('Mei Chen');
    await form.getByLabel('Role').selectOption('agent');
    await form.getByLabel('Agent id').fill('mei-7');
    await form.getByRole('button', { name: 'Create key' }).click();
    const shown = await admin.getByLabel('Issued key').textContent();
    expect(shown).toMatch(/^cc_agent_/);
    await admin.getByRole('button', { name: 'Copy' }).click();
    await admin.getByText('Copied.').waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    const row = table.locator('tbody tr', { hasText: 'Mei Chen' });
    expect(await row.textContent()).toContain('mei-7');
    expect(await row.textContent()).toContain('Active');
    // Shown once: after "Done" (or a reload) the key is nowhere on the page.
    await admin.getByRole('button', { name: 'Done' }).click();
    await admin.reload();
    await row.waitFor();
    expect(await admin.content()).not.toContain(shown!);

    // The new key signs in, and the console greets the person by name.
    const mei = await signIn(browser, server.httpUrl, shown!, { home: '/agent' });
    await mei.getByText('Agent · Mei Chen').waitFor();

    // A call routed to mei-7: the supervisor sees "Mei Chen", not the id.
    const connector = await connectIngest(server.wsUrl, server.keys.connector);
    await connector.request({
      type: 'open',
      conversationId: `admin-e2e-${Date.now()}`,
      channel: 'chat',
      agentId: 'mei-7',
    });
    const supervisor = await signIn(browser, server.httpUrl, server.keys.supervisor, {
      home: '/supervisor',
    });
    const live = supervisor.locator('tbody tr', { hasText: 'admin-e2e-' });
    await live.waitFor();
    expect(await live.textContent()).toContain('Mei Chen');
    expect(await live.textContent()).not.toContain('mei-7');
    connector.close();

    // Revoked: it stops working at once, and the list says so.
    admin.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Revoke Mei Chen' }).click();
    await row.getByText(/^Revoked /).waitFor();
    expect(await statusWith(shown!)).toBe(401);
    // The admin's own key cannot be revoked from the page it runs on.
    expect(
      await table
        .locator('tbody tr', { has: admin.getByRole('rowheader', { name: 'admin', exact: true }) })
        .getByRole('button', { name: 'Revoke admin' })
        .isDisabled(),
    ).toBe(true);
    for (const page of [admin, mei, supervisor]) await page.context().close();
  });

  it('names agents for those who read their conversations: all for a supervisor, itself for an agent', async () => {
    const names = async (key: string) =>
      (await server.call('GET', '/api/people', key)).json<{ agents: unknown[] }>().agents;
    expect(await names(server.keys.supervisor)).toEqual(
      expect.arrayContaining([
        { agentId: 'alice', name: 'Alice Example' },
        { agentId: 'bob', name: 'Bob Example' },
      ]),
    );
    expect(await names(server.keys.agent)).toEqual([{ agentId: 'alice', name: 'Alice Example' }]);
    expect((await server.call('GET', '/api/people', server.keys.connector)).statusCode).toBe(403);
  });

  it('only admins get the page', async () => {
    const supervisor = await signIn(browser, server.httpUrl, server.keys.supervisor, {
      home: '/supervisor',
    });
    await supervisor.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(
      await supervisor
        .getByRole('navigation', { name: 'Consoles' })
        .getByRole('link')
        .allTextContents(),
    ).not.toContain('API keys');
    await supervisor.goto(`${server.httpUrl}/admin/keys`);
    await supervisor.waitForURL('**/supervisor');
    await supervisor.context().close();
  });
});
