import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../stores/open-database.js';
import { migrate } from '../stores/migrate.js';
import type { Database } from '../stores/database.js';
import { createConversationStore } from '../conversations/conversation-store.js';
import { createEventLog } from '../conversations/event-log.js';
import { createTenantStore } from '../tenancy/tenant-store.js';
import type { CuecardEvent, EventBody } from '../conversations/events.js';
import type { RunnableAnalyzer, RunnableFinalizer } from './analyzer.js';
import { createPipeline } from './pipeline.js';
import { createAnalyzerStateStore } from './analyzer-state-store.js';
import { createWrapupStore } from '../wrap-up/wrapup-store.js';

describe('pipeline', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await createTenantStore(db).createTenant({ id: 't', name: 't' });
  });
  afterAll(async () => db?.close());

  it('skips a load-shedding analyzer when the item waited too long, and keeps the others', async () => {
    const conversations = createConversationStore(db);
    const eventLog = createEventLog(db);
    const slow: RunnableAnalyzer = {
      languages: 'any',
      reads: [],
      name: 'slow',
      analyze: async () => {
        await new Promise((r) => setTimeout(r, 80));
        return { result: { done: true } };
      },
    };
    const shed: RunnableAnalyzer = {
      languages: 'any',
      reads: [],
      name: 'cards',
      cost: 'heavy',
      skipWhenBehindMs: 30,
      analyze: async () => ({ result: { ran: true } }),
    };
    const light: RunnableAnalyzer = {
      languages: 'any',
      reads: ['slow'],
      name: 'light',
      analyze: async ({ previous }) => ({
        result: { sawSlow: (previous.slow as { done?: boolean } | undefined)?.done === true },
      }),
    };
    const warnings: string[] = [];
    const pipeline = createPipeline({
      conversations,
      eventLog,
      analyzerStates: createAnalyzerStateStore(db),
      wrapups: createWrapupStore(db),
      analyzers: [slow, shed, light],
      finalizers: [],
      timeoutMs: 1000,
      logger: { warn: (_d, message) => warnings.push(message), error: () => undefined },
    });
    const { conversation } = await conversations.open({
      tenantId: 't',
      externalId: 'x',
      channel: 'chat',
    });
    const outcome = await conversations.append(
      't',
      conversation.id,
      { kind: 'utterance', seq: 1, speaker: 'customer', text: 'hi' },
      'h1',
    );
    if (outcome.status !== 'stored') throw new Error('not stored');
    const seen: CuecardEvent[] = [];
    await eventLog.subscribe({ tenantId: 't' }, null, (event) => seen.push(event));
    await pipeline.analyze(outcome.conversation, outcome.item);
    const analyzers = seen
      .filter((e) => e.type === 'analysis')
      .map((e) => (e as { analyzer: string }).analyzer);
    expect(analyzers).toEqual(['slow', 'light']);
    expect(warnings).toContain('analyzer skipped: pipeline behind');
    // Stand-in stages are outside the contract: read their events as plain records.
    expect(seen.find((e) => e.type === 'analysis' && String(e.analyzer) === 'light')).toMatchObject(
      {
        result: { sawSlow: true },
      },
    );
  });

  it('keeps transcripts and state right when conversations fall out of a bounded cache', async () => {
    const conversations = createConversationStore(db);
    const eventLog = createEventLog(db);
    // Counts the turns it has seen (state) and how many the transcript holds.
    const counter: RunnableAnalyzer = {
      languages: 'any',
      reads: [],
      name: 'counter',
      analyze: async ({ state, transcript }) => {
        const turns = ((state as { turns?: number } | undefined)?.turns ?? 0) + 1;
        return { result: { turns, transcript: transcript.length }, state: { turns } };
      },
    };
    const pipeline = createPipeline({
      conversations,
      eventLog,
      analyzerStates: createAnalyzerStateStore(db),
      wrapups: createWrapupStore(db),
      analyzers: [counter],
      finalizers: [],
      timeoutMs: 1000,
      logger: { warn: () => undefined, error: () => undefined },
      maxCachedConversations: 1,
    });
    const opened = await Promise.all(
      ['a', 'b'].map((externalId) =>
        conversations.open({ tenantId: 't', externalId: `lru-${externalId}`, channel: 'chat' }),
      ),
    );
    const results: Array<Record<string, unknown>> = [];
    await eventLog.subscribe({ tenantId: 't' }, null, (event) => {
      if (event.type === 'analysis' && String(event.analyzer) === 'counter')
        results.push(event.result as unknown as Record<string, unknown>);
    });
    // a1 b1 a2 b2 a3: every turn evicts the other conversation's cache.
    const order = [0, 1, 0, 1, 0];
    const seqs = [0, 0];
    for (const which of order) {
      const seq = ++seqs[which]!;
      const { conversation } = opened[which]!;
      const outcome = await conversations.append(
        't',
        conversation.id,
        { kind: 'utterance', seq, speaker: 'customer', text: `turn ${seq}` },
        `h-${which}-${seq}`,
      );
      if (outcome.status !== 'stored') throw new Error('not stored');
      await pipeline.analyze(outcome.conversation, outcome.item);
      expect(pipeline.cachedConversations()).toBe(1);
    }
    expect(results.slice(-5)).toEqual([
      { turns: 1, transcript: 1 },
      { turns: 1, transcript: 1 },
      { turns: 2, transcript: 2 },
      { turns: 2, transcript: 2 },
      { turns: 3, transcript: 3 },
    ]);
  });

  it('keeps state in its store and hands finalizers the live analyses; the wrap-up is stored', async () => {
    const conversations = createConversationStore(db);
    const eventLog = createEventLog(db);
    const analyzerStates = createAnalyzerStateStore(db);
    const wrapups = createWrapupStore(db);
    const counter: RunnableAnalyzer = {
      languages: 'any',
      reads: [],
      name: 'counter',
      analyze: async ({ state }) => {
        const turns = ((state as { turns?: number } | undefined)?.turns ?? 0) + 1;
        return { result: { turns }, state: { turns } };
      },
    };
    const tally: RunnableFinalizer = {
      name: 'tally',
      languages: 'any',
      reads: [],
      readsLive: ['counter'],
      finalize: async ({ analyses }) => ({
        result: { bySeq: Object.entries(analyses).map(([seq, live]) => [Number(seq), live]) },
      }),
    };
    const options = {
      conversations,
      eventLog,
      analyzerStates,
      wrapups,
      analyzers: [counter],
      finalizers: [tally],
      timeoutMs: 1000,
      logger: { warn: () => undefined, error: () => undefined },
    };
    const { conversation } = await conversations.open({
      tenantId: 't',
      externalId: 'stores',
      channel: 'chat',
    });
    const append = async (seq: number) => {
      const outcome = await conversations.append(
        't',
        conversation.id,
        { kind: 'utterance', seq, speaker: 'customer', text: `turn ${seq}` },
        `stores-${seq}`,
      );
      if (outcome.status !== 'stored') throw new Error('not stored');
      return outcome;
    };
    const first = await append(1);
    await createPipeline(options).analyze(first.conversation, first.item);
    // Another runner (a restart, another instance) picks the state up from the store.
    const second = await append(2);
    const pipeline = createPipeline(options);
    await pipeline.analyze(second.conversation, second.item);
    expect((await analyzerStates.load(conversation.id)).get('counter')).toEqual({ turns: 2 });
    await pipeline.end(second.conversation);
    const wrapup = (await wrapups.resultsOf({
      tenantId: 't',
      conversationId: conversation.id,
    })) as Record<string, unknown>;
    expect(wrapup.tally).toEqual({
      bySeq: [
        [1, { counter: { turns: 1 } }],
        [2, { counter: { turns: 2 } }],
      ],
    });
  });

  it('logs a streamed event it could not store, by code, and the turn goes on', async () => {
    const conversations = createConversationStore(db);
    const eventLog = createEventLog(db);
    const streaming: RunnableAnalyzer = {
      languages: 'any',
      reads: [],
      name: 'streaming',
      analyze: async ({ emit }) => {
        // A payload the database cannot take (JSON has no bigint), with customer text in it.
        emit?.({ type: 'suggestion', text: 'card 4111 1111', size: 1n } as unknown as EventBody);
        return { result: { streamed: true } };
      },
    };
    const warnings: { details: Record<string, unknown>; message: string }[] = [];
    const pipeline = createPipeline({
      conversations,
      eventLog,
      analyzerStates: createAnalyzerStateStore(db),
      wrapups: createWrapupStore(db),
      analyzers: [streaming],
      finalizers: [],
      timeoutMs: 1000,
      logger: {
        warn: (details, message) => warnings.push({ details, message }),
        error: () => undefined,
      },
    });
    const { conversation } = await conversations.open({
      tenantId: 't',
      externalId: 'emit-fails',
      channel: 'chat',
    });
    const outcome = await conversations.append(
      't',
      conversation.id,
      { kind: 'utterance', seq: 1, speaker: 'customer', text: 'hi' },
      'emit-1',
    );
    if (outcome.status !== 'stored') throw new Error('not stored');
    await pipeline.analyze(outcome.conversation, outcome.item);
    await expect
      .poll(() => warnings.map((warning) => warning.message))
      .toContain('streamed event not stored');
    const warning = warnings.find((entry) => entry.message === 'streamed event not stored')!;
    expect(warning.details).toMatchObject({
      conversationId: conversation.id,
      seq: 1,
      analyzer: 'streaming',
      err: { name: 'TypeError' },
    });
    expect(JSON.stringify(warning.details)).not.toContain('4111');
    const stored = await eventLog.analyses({ tenantId: 't', conversationId: conversation.id });
    expect(stored.map((analysis) => analysis.result)).toEqual([{ streamed: true }]);
  });
});

describe('admission', () => {
  it('lets `limit` in at once and turns away a waiter whose deadline passes', async () => {
    const { createAdmission } = await import('./admission.js');
    const admission = createAdmission(1);
    const first = await admission.enter(100);
    expect(first).toBeTypeOf('function');
    const late = admission.enter(20);
    const patient = admission.enter(500);
    expect(await late).toBeNull();
    first!();
    const second = await patient;
    expect(second).toBeTypeOf('function');
    second!();
    expect(await admission.enter(0)).toBeTypeOf('function');
  });
});

describe('admission with a busy share', () => {
  it('rests between holders so the work takes at most its share of time', async () => {
    const { createAdmission } = await import('./admission.js');
    const admission = createAdmission(1, 0.5);
    const first = await admission.enter(1000);
    await new Promise((r) => setTimeout(r, 40));
    first!();
    const asked = Date.now();
    const second = await admission.enter(1000);
    // 40 ms of work at a 50 % share: about 40 ms of rest before the next one.
    expect(Date.now() - asked).toBeGreaterThanOrEqual(30);
    await new Promise((r) => setTimeout(r, 40));
    second!();
    // Within the rest, a waiter with a short deadline is turned away.
    expect(await admission.enter(5)).toBeNull();
  });
});
