import { describe, expect, it } from 'vitest';
import { engines } from './support/test-database.js';
import { useDefaultServer, type TestServer } from './support/test-server.js';
import { TestSocket } from './support/ws-client.js';

const pets = {
  name: 'pet shop',
  intents: [
    {
      name: 'book_grooming',
      examples: [
        'I want to book a grooming appointment',
        'can my dog get a haircut on friday',
        'schedule a bath and trim for my poodle',
        'is there a grooming slot tomorrow',
      ],
    },
    {
      name: 'food_order',
      examples: [
        'I need to reorder the cat food',
        'send me another bag of kibble',
        'my dog food subscription is late',
        'order more salmon treats',
      ],
    },
  ],
  outOfScope: ['what is the weather like', 'tell me a joke', 'who won the game last night'],
};

describe.each(engines)('intent taxonomy API on %s', (engine) => {
  let server: TestServer;
  const call: TestServer['call'] = (...args) => server.call(...args);

  useDefaultServer((started) => (server = started), { engine });

  it('serves the default taxonomy, then retrains on a new one without a restart, for live conversations too', async () => {
    const before = (await call('GET', '/api/intents', server.keys.knowledgeManager)).json();
    expect(before).toMatchObject({ version: null, taxonomy: null, versions: [] });
    const defaultGuess = (
      await call('POST', '/api/intents/predict', server.keys.agent, {
        text: 'can my dog get a haircut on saturday',
      })
    ).json();
    expect(defaultGuess.intent).not.toBe('book_grooming');

    const put = await call('PUT', '/api/intents', server.keys.knowledgeManager, pets);
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ version: 1, intents: 2 });
    const guess = (
      await call('POST', '/api/intents/predict', server.keys.agent, {
        text: 'can my dog get a haircut on saturday',
      })
    ).json();
    expect(guess).toMatchObject({ intent: 'book_grooming', version: 1 });

    // A live conversation of this tenant now speaks the new taxonomy.
    const agent = await TestSocket.connect(`${server.wsUrl}/ws/subscribe`, server.keys.agent);
    await agent.request({ type: 'subscribe', scope: 'agent' }, (m) => m.type === 'subscribed');
    const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
    await connector.request(
      { type: 'open', conversationId: 'pets-1', channel: 'chat', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
    await connector.request(
      {
        type: 'utterance',
        conversationId: 'pets-1',
        seq: 1,
        speaker: 'customer',
        text: 'please send me another bag of the cat kibble',
        final: true,
      },
      (m) => m.type === 'ack',
    );
    const intent = await agent.next(
      (m) => m.type === 'event' && (m.event as { analyzer?: string }).analyzer === 'intent',
    );
    expect((intent.event as { result: { intent: string } }).result.intent).toBe('food_order');
    await Promise.all([agent.close(), connector.close()]);
    // Another tenant still has the default.
    const other = (await call('GET', '/api/intents', server.keys.otherTenantAdmin)).json();
    expect(other.version).toBeNull();
  });

  it('refuses a broken taxonomy with every problem listed, and keys without the right role', async () => {
    const broken = await call('PUT', '/api/intents', server.keys.knowledgeManager, {
      name: 'x',
      intents: [{ name: 'Bad Name!', examples: [] }, { examples: ['hi'] }],
    });
    expect(broken.statusCode).toBe(400);
    const { error } = broken.json();
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/Bad Name!/);
    expect(error.message.split('\n- ').length).toBeGreaterThan(2);
    expect((await call('PUT', '/api/intents', server.keys.agent, pets)).statusCode).toBe(403);
    expect(
      (await call('GET', '/api/intents', server.keys.knowledgeManager)).json().versions,
    ).toHaveLength(1);
  });
});
