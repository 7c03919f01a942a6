import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../stores/open-database.js';
import { migrate } from '../../stores/migrate.js';
import type { Database } from '../../stores/database.js';
import { createTenantStore } from '../../tenancy/tenant-store.js';
import type { RunnableAnalyzer, RunnableFinalizer } from '../analyzer.js';
import {
  analyzerChecks,
  createConformanceWorld,
  finalizerChecks,
  type ConformanceWorld,
} from './conformance.js';

/**
 * The suite's own test: a well-behaved stand-in stage passes every check, and each check fails a
 * stand-in with the fault it is there for. A check that cannot fail proves nothing.
 */

const textOf = (item: { kind: string; text?: string }) =>
  item.kind === 'utterance' ? item.text! : '';

/** Counts turns and characters, reading its state defensively and never changing it in place. */
const wellBehaved: RunnableAnalyzer = {
  name: 'tally',
  languages: 'any',
  reads: [],
  analyze: async ({ item, state }) => {
    const turns = typeof (state as { turns?: unknown } | null)?.turns === 'number';
    const next = { turns: (turns ? (state as { turns: number }).turns : 0) + 1 };
    return { result: { characters: textOf(item).length, turns: next.turns }, state: next };
  },
};

const misbehaving: Record<keyof typeof analyzerChecks, RunnableAnalyzer | null> = {
  // Handles no language at all: it would never run.
  'declares the languages it handles': { ...wellBehaved, name: 'nowhere', languages: [] },
  'answers on the realistic conversations': {
    name: 'mute',
    languages: 'any',
    reads: [],
    analyze: async () => null,
  },
  // Empty text: characters per word is 0 / 0.
  'takes empty and odd input without throwing, and its output survives JSON': {
    name: 'ratio',
    languages: 'any',
    reads: [],
    analyze: async ({ item }) => {
      const text = textOf(item);
      return { result: { perWord: text.length / text.split(/\s+/).filter(Boolean).length } };
    },
  },
  // A Set in state: fine in the runner's cache, {} once read back from the database.
  'gives the same results when its state is read back from JSON between items': {
    name: 'distinct',
    languages: 'any',
    reads: [],
    analyze: async ({ item, state }) => {
      const seen =
        state instanceof Object && 'words' in state ? (state.words as Set<string>) : null;
      const words = new Set(seen instanceof Set ? seen : []);
      for (const word of textOf(item).split(/\s+/)) words.add(word);
      return { result: { distinct: words.size }, state: { words } };
    },
  },
  'reads an unexpected stored state defensively': {
    name: 'trusting',
    languages: 'any',
    reads: [],
    analyze: async ({ state }) => {
      const turns = state === undefined ? 0 : (state as { turns: number }).turns;
      return { result: { turns: turns + 1 }, state: { turns: turns + 1 } };
    },
  },
  // Counts in place: a retried item counts twice.
  'gives the same result, state and events when an item is retried': {
    name: 'counter',
    languages: 'any',
    reads: [],
    analyze: async ({ state }) => {
      const kept = (state ?? { turns: 0 }) as { turns: number };
      kept.turns++;
      return { result: { turns: kept.turns }, state: kept };
    },
  },
  // Goes on for 3 s whatever its signal says.
  'returns promptly or throws an abort error when its signal is already aborted': {
    name: 'deaf',
    languages: 'any',
    reads: [],
    analyze: async ({ signal }) => {
      if (signal.aborted) await new Promise((resolve) => setTimeout(resolve, 3_000));
      return { result: { done: true } };
    },
  },
  // Reads a result through a cast instead of declaring it.
  'reads only the previous results it declares': {
    name: 'snoop',
    languages: 'any',
    reads: [],
    analyze: async ({ previous }) => ({ result: { sawTally: previous.tally !== undefined } }),
  },
};

const wellBehavedStep: RunnableFinalizer = {
  name: 'recap',
  languages: 'any',
  reads: [],
  readsLive: ['tally'],
  finalize: async ({ transcript, analyses }) => ({
    result: {
      items: transcript.length,
      characters: Object.values(analyses).reduce(
        (sum, byAnalyzer) =>
          sum + ((byAnalyzer.tally as { characters?: number } | undefined)?.characters ?? 0),
        0,
      ),
    },
  }),
};

const misbehavingSteps: Partial<Record<keyof typeof finalizerChecks, RunnableFinalizer>> = {
  // A name no detector gives: the step would be skipped on every conversation.
  'declares the languages it handles': {
    ...wellBehavedStep,
    name: 'anglo',
    languages: ['English'],
  },
  'takes empty and odd conversations without throwing, and its output survives JSON': {
    name: 'first-words',
    languages: 'any',
    reads: [],
    readsLive: [],
    finalize: async ({ transcript }) => ({ result: { firstSeq: transcript[0]!.seq } }),
  },
  'copes with earlier steps and live results missing': {
    name: 'needy',
    languages: 'any',
    reads: ['recap'],
    readsLive: [],
    finalize: async ({ previous }) => ({
      result: { items: (previous.recap as { items: number }).items },
    }),
  },
  'returns promptly or throws an abort error when its signal is already aborted': {
    name: 'slow-step',
    languages: 'any',
    reads: [],
    readsLive: [],
    finalize: async ({ signal }) => {
      if (signal.aborted) await new Promise((resolve) => setTimeout(resolve, 3_000));
      return { result: { done: true } };
    },
  },
  'reads only the earlier steps and live results it declares': {
    name: 'nosy-step',
    languages: 'any',
    reads: [],
    readsLive: [],
    finalize: async ({ analyses }) => ({
      result: { tallied: Object.values(analyses).some((byAnalyzer) => 'tally' in byAnalyzer) },
    }),
  },
};

describe('the conformance suite', () => {
  let db: Database;
  let world: ConformanceWorld;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    await createTenantStore(db).createTenant({ id: 't', name: 't' });
    await db.exec('CREATE TABLE conformance_probe (conversation_id text)');
    // Adds a row on every run: a retried wrap-up writes twice.
    const appending: RunnableFinalizer = {
      name: 'appending',
      languages: 'any',
      reads: [],
      readsLive: [],
      finalize: async ({ conversation }) => {
        await db.query('INSERT INTO conformance_probe VALUES ($1)', [conversation.id]);
        return { result: { logged: true } };
      },
    };
    world = createConformanceWorld({
      db,
      tenantId: 't',
      analyzers: [wellBehaved, ...Object.values(misbehaving).filter((stage) => stage !== null)],
      finalizers: [wellBehavedStep, ...Object.values(misbehavingSteps), appending],
      conversations: [
        {
          name: 'short call',
          channel: 'voice',
          turns: [
            { speaker: 'customer', text: 'My bill is wrong this month.' },
            { speaker: 'agent', text: 'Let me check the charges on your account.' },
            { speaker: 'customer', text: 'Thanks, it is the second charge.' },
          ],
        },
      ],
    });
  });
  afterAll(async () => db?.close());

  it.each(Object.keys(analyzerChecks))('a well-behaved analyzer passes: %s', async (title) => {
    await analyzerChecks[title as keyof typeof analyzerChecks](world, 'tally');
  });

  it.each(Object.entries(misbehaving).filter(([, stage]) => stage !== null))(
    'catches an analyzer that fails: %s',
    async (title, stage) => {
      await expect(
        analyzerChecks[title as keyof typeof analyzerChecks](world, stage!.name),
      ).rejects.toThrow();
    },
  );

  it.each(Object.keys(finalizerChecks))('a well-behaved wrap-up step passes: %s', async (title) => {
    await finalizerChecks[title as keyof typeof finalizerChecks](world, 'recap');
  });

  it.each(Object.entries(misbehavingSteps))(
    'catches a wrap-up step that fails: %s',
    async (title, stage) => {
      await expect(
        finalizerChecks[title as keyof typeof finalizerChecks](world, stage.name),
      ).rejects.toThrow();
    },
  );

  it('catches a wrap-up step that writes again when retried', async () => {
    await expect(
      finalizerChecks['gives the same result and writes nothing more when the wrap-up is retried'](
        world,
        'appending',
      ),
    ).rejects.toThrow(/rows per table/);
  });
});
