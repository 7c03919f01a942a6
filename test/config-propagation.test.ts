import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrl } from './support/test-database.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { TestSocket, type Message } from './support/ws-client.js';

// Configuration saved through one instance is what every other instance uses within 2 s
// (issue 16, point 4): the REST reads and the live analysis of the instance that did not save it.

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

const grooming = {
  title: 'Grooming booking',
  intents: ['book_grooming'],
  customer_says: ['grooming', 'haircut'],
  steps: [
    {
      id: 'ask-breed',
      kind: 'ask',
      title: 'Ask for the breed and size',
      why: 'The slot length depends on the dog.',
      done_when: { agent_says: ['breed'] },
    },
  ],
};

const scorecard = {
  id: 'pets',
  name: 'Pet shop call',
  criteria: [{ id: 'greeting', check: 'greeting', weight: 1, description: 'Greets the customer.' }],
};

function customerTable(): string {
  const lines = ['customerID,tenure,Contract,Churn'];
  for (let i = 0; i < 60; i++) {
    const monthly = i % 2 === 0;
    lines.push(
      `C${i},${monthly ? 2 + (i % 5) : 40 + (i % 20)},${monthly ? 'Monthly' : 'Two year'},${monthly ? 'Yes' : 'No'}`,
    );
  }
  return lines.join('\n');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds until `seen()` holds; fails after `limitMs`. */
async function msUntil(seen: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (!(await seen())) {
    if (Date.now() - started > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await sleep(25);
  }
  return Date.now() - started;
}

const eventOf = (message: Message) => message.event as { type: string; [key: string]: unknown };

/** The intent a live conversation on `server` gets for one customer utterance. */
async function liveIntent(server: TestServer, conversationId: string, text: string) {
  const agent = await TestSocket.connect(`${server.wsUrl}/ws/subscribe`, server.keys.agent);
  await agent.request({ type: 'subscribe', scope: 'agent' }, (m) => m.type === 'subscribed');
  const connector = await TestSocket.connect(`${server.wsUrl}/ws/ingest`, server.keys.connector);
  await connector.request(
    { type: 'open', conversationId, channel: 'chat', agentId: 'alice' },
    (m) => m.type === 'opened',
  );
  await connector.request(
    { type: 'utterance', conversationId, seq: 1, speaker: 'customer', text, final: true },
    (m) => m.type === 'ack',
  );
  const intent = await agent.next((m) => m.type === 'event' && eventOf(m).analyzer === 'intent');
  const playbook = await agent.next(
    (m) => m.type === 'event' && eventOf(m).analyzer === 'playbook',
  );
  await Promise.all([agent.close(), connector.close()]);
  return {
    intent: (eventOf(intent).result as { intent: string }).intent,
    playbook: (eventOf(playbook).result as { playbookId?: string | null }).playbookId ?? null,
  };
}

describe.runIf(serverUrl)('configuration saved on one instance, used by another (postgres)', () => {
  let a: TestServer;
  let b: TestServer;
  const env = { CUECARD_ANALYZER_TIMEOUT_MS: '10000' };
  beforeAll(async () => {
    a = await startTestServer({ engine: 'postgres', relay: true, defaultCapabilities: true, env });
    b = await startTestServer({ secondInstanceOf: a, defaultCapabilities: true, env });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('intents and playbooks: B predicts, lists and analyses live with what A saved', async () => {
    const text = 'can my dog get a haircut on saturday';
    const predictOnB = async () =>
      (await b.call('POST', '/api/intents/predict', b.keys.agent, { text })).json() as {
        intent: string;
        version: number | null;
      };
    // B has its models and lists in memory before the change: stale caches would show.
    expect((await predictOnB()).intent).not.toBe('book_grooming');
    const playbooksOnB = async () =>
      (
        (await b.call('GET', '/api/playbooks', b.keys.agent)).json().playbooks as { id: string }[]
      ).map((p) => p.id);
    expect(await playbooksOnB()).not.toContain('grooming-booking');

    const saved = await a.call('PUT', '/api/intents', a.keys.knowledgeManager, pets);
    expect(saved.statusCode).toBe(200);
    const intentsMs = await msUntil(async () => (await predictOnB()).version === 1, 10_000);
    expect(await predictOnB()).toMatchObject({ intent: 'book_grooming', version: 1 });
    // B trains its own copy of the model; the notice itself takes milliseconds.
    const trainingOnB = (await b.call('GET', '/api/intents', b.keys.knowledgeManager)).json()
      .trainingMs as number;
    expect(intentsMs).toBeLessThan(2_000 + trainingOnB);

    expect(
      (await a.call('PUT', '/api/playbooks/grooming-booking', a.keys.knowledgeManager, grooming))
        .statusCode,
    ).toBe(200);
    const playbooksMs = await msUntil(
      async () => (await playbooksOnB()).includes('grooming-booking'),
      2_000,
    );
    expect(await liveIntent(b, 'pets-b-1', 'can my poodle get a grooming haircut friday')).toEqual({
      intent: 'book_grooming',
      playbook: 'grooming-booking',
    });
    console.info(
      `[config] intents on B after ${intentsMs} ms (B trained ${trainingOnB} ms), playbooks after ${playbooksMs} ms`,
    );
  });

  it('scorecards, churn models, dispositions and articles: B uses what A saved within 2 s', async () => {
    const currentOnB = async () =>
      (await b.call('GET', '/api/scorecards', b.keys.supervisor)).json().current as { id: string };
    expect((await currentOnB()).id).toBe('default');
    expect((await a.call('PUT', '/api/scorecards', a.keys.supervisor, scorecard)).statusCode).toBe(
      200,
    );
    const scorecardMs = await msUntil(async () => (await currentOnB()).id === 'pets', 2_000);

    const attributes = { tenure: 3, Contract: 'Monthly' };
    expect(await b.services.churn!.baseRisk('acme', attributes)).toBeNull();
    expect(
      (await a.call('PUT', '/api/churn/model', a.keys.admin, { csv: customerTable() })).statusCode,
    ).toBe(200);
    const churnMs = await msUntil(
      async () => (await b.services.churn!.baseRisk('acme', attributes)) !== null,
      2_000,
    );

    // An agent's confirmed code on A is training data for B's suggestions.
    const text = 'the hamster wheel I bought squeaks and I want a different model instead';
    const before = await b.services.dispositions!.suggest('acme', text);
    const connector = await TestSocket.connect(`${a.wsUrl}/ws/ingest`, a.keys.connector);
    await connector.request(
      { type: 'open', conversationId: 'hamster', channel: 'chat', agentId: 'alice' },
      (m) => m.type === 'opened',
    );
    await connector.request(
      {
        type: 'utterance',
        conversationId: 'hamster',
        seq: 1,
        speaker: 'customer',
        text,
        final: true,
      },
      (m) => m.type === 'ack',
    );
    await connector.close();
    const conversation = (await a.call('GET', '/api/conversations?limit=50', a.keys.supervisor))
      .json()
      .conversations.find((c: { externalId?: string }) => c.externalId === 'hamster') as {
      id: string;
    };
    expect(
      (
        await a.call('POST', `/api/conversations/${conversation.id}/disposition`, a.keys.agent, {
          code: 'return_exchange',
        })
      ).statusCode,
    ).toBe(200);
    const onA = await a.services.dispositions!.suggest('acme', text);
    expect(onA).not.toEqual(before);
    const dispositionsMs = await msUntil(
      async () =>
        JSON.stringify(await b.services.dispositions!.suggest('acme', text)) ===
        JSON.stringify(onA),
      2_000,
    );

    const searchOnB = async () =>
      (
        await b.call('GET', '/api/knowledge/search?q=hamster%20wheel%20squeaks', b.keys.agent)
      ).json().results as { title: string }[];
    expect((await searchOnB()).map((r) => r.title)).not.toContain('Squeaky hamster wheels');
    expect(
      (
        await a.call('POST', '/api/articles', a.keys.knowledgeManager, {
          title: 'Squeaky hamster wheels',
          body: 'A hamster wheel that squeaks needs a drop of vegetable oil on the axle, or an exchange within 30 days.',
          status: 'published',
        })
      ).statusCode,
    ).toBe(201);
    const articlesMs = await msUntil(
      async () => (await searchOnB()).some((r) => r.title === 'Squeaky hamster wheels'),
      2_000,
    );
    console.info(
      `[config] on B after: scorecard ${scorecardMs} ms, churn ${churnMs} ms, dispositions ${dispositionsMs} ms, articles ${articlesMs} ms`,
    );
  });
});

describe('configuration on the embedded engine (one instance)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      engine: 'pglite',
      defaultCapabilities: true,
      env: { CUECARD_ANALYZER_TIMEOUT_MS: '10000' },
    });
  });
  afterAll(async () => server?.close());

  it('uses what it saved at once, and a change made in SQL within 2 s', async () => {
    const call: TestServer['call'] = (...args) => server.call(...args);
    expect((await call('GET', '/api/scorecards', server.keys.supervisor)).json().current.id).toBe(
      'default',
    );
    await call('PUT', '/api/scorecards', server.keys.supervisor, scorecard);
    expect((await call('GET', '/api/scorecards', server.keys.supervisor)).json().current.id).toBe(
      'pets',
    );
    const attributes = { tenure: 3, Contract: 'Monthly' };
    expect(await server.services.churn!.baseRisk('acme', attributes)).toBeNull();
    await call('PUT', '/api/churn/model', server.keys.admin, { csv: customerTable() });
    expect(await server.services.churn!.baseRisk('acme', attributes)).not.toBeNull();

    // The tenant's redaction mode, changed by an operator in SQL (no API): the next utterance.
    const transcriptOf = async (conversationId: string, text: string) => {
      const connector = await TestSocket.connect(
        `${server.wsUrl}/ws/ingest`,
        server.keys.connector,
      );
      await connector.request(
        { type: 'open', conversationId, channel: 'chat', agentId: 'alice' },
        (m) => m.type === 'opened',
      );
      await connector.request(
        { type: 'utterance', conversationId, seq: 1, speaker: 'customer', text, final: true },
        (m) => m.type === 'ack',
      );
      await connector.close();
      const listed = (await call('GET', '/api/conversations?limit=100', server.keys.supervisor))
        .json()
        .conversations.find((c: { externalId: string }) => c.externalId === conversationId) as {
        id: string;
      };
      const view = await call('GET', `/api/conversations/${listed.id}`, server.keys.supervisor);
      return (view.json().transcript as { text: string }[])[0]!.text;
    };
    const email = 'write to jane.doe@example.com please';
    expect(await transcriptOf('pii-1', email)).not.toContain('jane.doe@example.com');
    await server.services.db.query(
      `UPDATE tenants SET settings = settings || '{"piiMode":"off"}' WHERE id = 'acme'`,
    );
    let n = 1;
    const ms = await msUntil(
      async () => (await transcriptOf(`pii-${++n}`, email)).includes('jane.doe@example.com'),
      2_000,
    );
    console.info(`[config] embedded: PII mode changed in SQL applied after ${ms} ms`);
  });
});
