import { describe, expect, it } from 'vitest';
import { engines } from './support/test-database.js';
import { useDefaultServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

const warrantyClaim = {
  title: 'Warranty claim',
  intents: ['warranty_claim'],
  customer_says: ['warranty', 'broken after'],
  steps: [
    {
      id: 'get-serial',
      kind: 'ask',
      title: 'Ask for the serial number',
      why: 'Warranty is tied to the device serial.',
      done_when: { agent_says: ['serial number'] },
    },
    {
      id: 'check-date',
      kind: 'verify',
      title: 'Check the purchase date',
      why: 'Cover lasts two years from purchase.',
      done_when: { actions: ['check-purchase'] },
    },
  ],
};

describe.each(engines)('playbooks API on %s', (engine) => {
  let server: TestServer;
  const call: TestServer['call'] = (...args) => server.call(...args);

  useDefaultServer((started) => (server = started), { engine });

  it('guides live conversations with a playbook the tenant defined through the API, step by step', async () => {
    const saved = await call(
      'PUT',
      '/api/playbooks/warranty-claim',
      server.keys.knowledgeManager,
      warrantyClaim,
    );
    expect(saved.json()).toMatchObject({ id: 'warranty-claim', version: 1 });
    const listed = (await call('GET', '/api/playbooks', server.keys.agent)).json().playbooks;
    expect(listed.find((p: { id: string }) => p.id === 'warranty-claim')).toMatchObject({
      source: 'tenant',
      version: 1,
    });
    expect(listed.some((p: { source: string }) => p.source === 'bundled')).toBe(true);
    expect(
      (await call('GET', '/api/playbooks', server.keys.otherTenantAdmin))
        .json()
        .playbooks.some((p: { id: string }) => p.id === 'warranty-claim'),
    ).toBe(false);

    const agent = await TestSocket.connect(`${server.wsUrl}/ws/subscribe`, server.keys.agent);
    await agent.request({ type: 'subscribe', scope: 'agent' }, (m) => m.type === 'subscribed');
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    await connector.request(
      { type: 'open', conversationId: 'w-1', channel: 'voice', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
    const nextStep = (title: string) =>
      agent.next(
        (m) =>
          m.type === 'event' &&
          (m.event as { suggestion?: { kind: string; title: string } }).suggestion?.kind ===
            'next-step' &&
          (m.event as { suggestion: { title: string } }).suggestion.title === title,
      );
    await connector.request(
      {
        type: 'utterance',
        conversationId: 'w-1',
        seq: 1,
        speaker: 'customer',
        text: 'My blender is broken after two months, it should be under warranty.',
        final: true,
      },
      (m) => m.type === 'ack',
    );
    const first = await nextStep('Ask for the serial number');
    expect((first.event as { suggestion: { playbookId: string } }).suggestion.playbookId).toBe(
      'warranty-claim',
    );
    await connector.request(
      {
        type: 'utterance',
        conversationId: 'w-1',
        seq: 2,
        speaker: 'agent',
        text: 'Sorry to hear that. Could you read me the serial number on the base?',
        final: true,
      },
      (m) => m.type === 'ack',
    );
    await nextStep('Check the purchase date');
    await Promise.all([agent.close(), connector.close()]);
  });

  it('lists every problem of a bad playbook, refuses agents, and retires back to nothing', async () => {
    const bad = await call('PUT', '/api/playbooks/broken', server.keys.knowledgeManager, {
      title: 'x',
      steps: [{ id: 'Bad Id', kind: 'dance' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/steps/);
    expect(
      (await call('PUT', '/api/playbooks/warranty-claim', server.keys.agent, warrantyClaim))
        .statusCode,
    ).toBe(403);
    expect(
      (await call('DELETE', '/api/playbooks/warranty-claim', server.keys.knowledgeManager)).json(),
    ).toMatchObject({ retired: true });
    const listed = (await call('GET', '/api/playbooks', server.keys.knowledgeManager)).json()
      .playbooks;
    expect(listed.some((p: { id: string }) => p.id === 'warranty-claim')).toBe(false);
    expect(
      (await call('DELETE', '/api/playbooks/refund-request', server.keys.knowledgeManager))
        .statusCode,
    ).toBe(404);
  });
});
