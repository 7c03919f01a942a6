import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../stores/open-database.js';
import { migrate } from '../stores/migrate.js';
import type { Database } from '../stores/database.js';
import { createConversationStore } from '../conversations/conversation-store.js';
import { createEventLog } from '../conversations/event-log.js';
import { createTenantStore } from '../tenancy/tenant-store.js';
import { createWrapupStore } from '../wrap-up/wrapup-store.js';
import { createLanguageDetector } from '../understanding/language/index.js';
import { createLanguageAnalyzer } from '../understanding/language/language-analyzer.js';
import type { RunnableAnalyzer, RunnableFinalizer } from './analyzer.js';
import { createAnalyzerStateStore } from './analyzer-state-store.js';
import { createPipeline } from './pipeline.js';

/**
 * The languages rule through the runner, with the real language analyzer deciding each item's
 * language (fastText): stand-in stages that handle English only.
 */

/** Counts the turns it analysed (state) and says so in its result. */
const englishCounter: RunnableAnalyzer = {
  name: 'english-counter',
  languages: ['en'],
  reads: [],
  analyze: async ({ state }) => {
    const turns = ((state as { turns?: number } | undefined)?.turns ?? 0) + 1;
    return { result: { turns }, state: { turns } };
  },
};

/** Reads the English-only stage: it must never see a notice as a result. */
const reader: RunnableAnalyzer = {
  name: 'reader',
  languages: 'any',
  reads: ['english-counter'],
  analyze: async ({ previous }) => ({
    result: { saw: (previous['english-counter'] as object | undefined) ?? null },
  }),
};

const englishRecap: RunnableFinalizer = {
  name: 'english-recap',
  languages: ['en'],
  reads: [],
  readsLive: ['english-counter'],
  finalize: async ({ transcript }) => ({ result: { turns: transcript.length } }),
};

/** Handles any language; reads the English step and the live English results. */
const anyRecap: RunnableFinalizer = {
  name: 'any-recap',
  languages: 'any',
  reads: ['english-recap'],
  readsLive: ['english-counter'],
  finalize: async ({ previous, analyses }) => ({
    result: {
      sawRecap: previous['english-recap'] !== undefined,
      liveSeqs: Object.entries(analyses)
        .filter(([, byAnalyzer]) => byAnalyzer['english-counter'] !== undefined)
        .map(([seq]) => Number(seq)),
    },
  }),
};

describe('the languages rule in the runner', () => {
  let db: Database;
  let language: RunnableAnalyzer;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await createTenantStore(db).createTenant({ id: 't', name: 't' });
    language = createLanguageAnalyzer({ detector: await createLanguageDetector() });
  });
  afterAll(async () => db?.close());

  async function play(externalId: string, turns: string[]) {
    const conversations = createConversationStore(db);
    const eventLog = createEventLog(db);
    const wrapups = createWrapupStore(db);
    const analyzerStates = createAnalyzerStateStore(db);
    const pipeline = createPipeline({
      conversations,
      eventLog,
      analyzerStates,
      wrapups,
      // Listed before the language analyzer on purpose: the runner still runs it after.
      analyzers: [englishCounter, reader, language],
      finalizers: [anyRecap, englishRecap],
      timeoutMs: 5000,
      logger: { warn: () => undefined, error: () => undefined },
    });
    const { conversation } = await conversations.open({
      tenantId: 't',
      externalId,
      channel: 'chat',
    });
    for (const [index, text] of turns.entries()) {
      const outcome = await conversations.append(
        't',
        conversation.id,
        { kind: 'utterance', seq: index + 1, speaker: 'customer', text },
        `${externalId}-${index}`,
      );
      if (outcome.status !== 'stored') throw new Error('not stored');
      await pipeline.analyze(outcome.conversation, outcome.item);
    }
    await pipeline.end({ ...conversation, status: 'ended' });
    const scope = { tenantId: 't', conversationId: conversation.id };
    const events = await eventLog.since(scope, 0);
    // Stand-in stages are outside the contract: read their events as plain records.
    const analysesOf = (name: string) =>
      events.flatMap((event) =>
        event.type === 'analysis' && String(event.analyzer) === name
          ? [{ seq: event.seq, result: event.result as unknown }]
          : [],
      );
    const wrapupOf = (step: string) =>
      events.flatMap((event) =>
        event.type === 'wrapup' && String(event.step) === step ? [event.result as unknown] : [],
      );
    return {
      analysesOf,
      wrapupOf,
      states: await analyzerStates.load(conversation.id),
      stored: await wrapups.resultsOf(scope),
    };
  }

  it('says once that a Japanese stretch is not supported, keeps the state, and says it again after English', async () => {
    const run = await play('ja-en-ja', [
      'すみません、請求書が二重になっています',
      '返金してください',
      'I was charged twice for the same bill this month',
      'もう一度確認してください',
    ]);
    const notice = { unsupported_language: { language: 'ja', supported: ['en'] } };
    expect(run.analysesOf('english-counter')).toEqual([
      { seq: 1, result: notice },
      { seq: 3, result: { turns: 1 } },
      { seq: 4, result: notice },
    ]);
    // Its state counts the one English turn only; the notices never reach a reader.
    expect(run.states.get('english-counter')).toEqual({ turns: 1 });
    expect(run.analysesOf('reader').map(({ result }) => result)).toEqual([
      { saw: null },
      { saw: null },
      { saw: { turns: 1 } },
      { saw: null },
    ]);
    // Three of four turns in Japanese: the English step says so, stored and published.
    expect(run.wrapupOf('english-recap')).toEqual([notice]);
    expect(run.stored['english-recap' as keyof typeof run.stored]).toEqual(notice);
    // The next step runs, with neither the notice nor the live notices as input.
    expect(run.wrapupOf('any-recap')).toEqual([{ sawRecap: false, liveSeqs: [3] }]);
  });

  it('runs on every turn of an English call, short and numeric turns included', async () => {
    const run = await play('en-short', [
      'Hi, I would like to check the charges on my last bill',
      'ok',
      '12345',
      'gracias',
      'thanks, that is all for today',
    ]);
    expect(run.analysesOf('english-counter').map(({ result }) => result)).toEqual(
      [1, 2, 3, 4, 5].map((turns) => ({ turns })),
    );
    expect(run.wrapupOf('english-recap')).toEqual([{ turns: 5 }]);
  });
});
