import { describe, expect, it } from 'vitest';
import { createEventLog } from '../../conversations/event-log.js';
import type { ConversationItem } from '../../conversations/types.js';
import type { Database } from '../../stores/database.js';
import type { RunnableAnalyzer, RunnableFinalizer } from '../analyzer.js';
import { createAnalyzerStateStore } from '../analyzer-state-store.js';
import { createWrapupStore } from '../../wrap-up/wrapup-store.js';
import { createPipeline } from '../pipeline.js';
import {
  HangError,
  JSON_STATE,
  LIVE_AS_STORED,
  LIVE_IN_MEMORY,
  MEMORY,
  RETRY,
  WRAPUP_RETRY,
  createConformanceWorld,
  describeError,
  isAbortError,
  jsonCopy,
  jsonProblems,
  type AnalyzerCall,
  type AnalyzerPlay,
  type Attempt,
  type ConformanceOptions,
  type ConformanceScript,
  type ConformanceTurn,
  type ConformanceWorld,
  type FinalizerCall,
  type FinalizerPlay,
} from './conformance-world.js';

export type { ConformanceOptions, ConformanceScript, ConformanceTurn, ConformanceWorld };
export { createConformanceWorld };

/**
 * One conformance suite for every analyzer and finalizer (the way livekit/agents-js runs one STT
 * suite against every plugin, plugins/test/src/stt.ts). Each stage is called the way the runner
 * calls it (conformance-world.ts): on stored, redacted items, in the runner's order, with
 * `previous` holding what the real upstream stages returned on the same item, never hand-written
 * shapes. The checks are what broke, or could break, between a stage and the runner:
 *
 * - empty and odd input: no throw, and every result, event and state survives JSON (results are
 *   stored as JSON and replayed to consoles; states are stored as JSON);
 * - state round-trip: a conversation played with state kept in memory and with state read back
 *   from JSON after every item gives the same results; odd stored states do not throw;
 * - retry idempotence: the same item twice with the same input gives the same output;
 * - timeout / abort: an aborted signal ends the call at once and never hangs it;
 * - thrown errors: the runner turns a failing stage into an error event and goes on; wrap-up
 *   steps cope with missing earlier steps;
 * - declared reads: a stage touches only the `previous` entries it declared.
 *
 * Each check is a function that fails with an assertion error, so the suite's own test can show
 * that every check catches the fault it is for (conformance.test.ts beside this file).
 */

/** An aborted stage must give up within this. */
const ABORT_PROMPT_MS = 1_000;

const LONG_TEXT = (
  'My internet keeps dropping every evening around eight, the router lights go orange, ' +
  'I restart it and it works for ten minutes and then it drops again. '
)
  .repeat(40)
  .slice(0, 5_000);

const opening: ConformanceTurn = {
  speaker: 'customer',
  text: 'Hi, I have a question about the last bill on my account.',
};
const closing: ConformanceTurn = { speaker: 'customer', text: 'Okay, thanks.' };

/** Each odd turn sits between ordinary ones: stages meet it with real state, and go on after. */
function oddScript(name: string, turn: ConformanceTurn, before = opening): ConformanceScript {
  return { name, channel: 'chat', turns: [before, turn, closing] };
}

/** The odd inputs every stage must survive; they reach stages as the store keeps them. */
export const oddScripts: readonly ConformanceScript[] = [
  { name: 'no items', channel: 'voice', turns: [] },
  oddScript('empty utterance', { speaker: 'customer', text: '' }),
  oddScript('whitespace only', { speaker: 'customer', text: '  \n\t   ' }),
  oddScript('5,000-character utterance', { speaker: 'customer', text: LONG_TEXT }),
  oddScript('emoji only', { speaker: 'customer', text: '😡😡😡 💸💸 🙏' }),
  oddScript('Chinese', {
    speaker: 'customer',
    text: '我的宽带从昨天晚上开始就一直断线，重启路由器也没有用，这个月的费用还多扣了一笔。',
  }),
  oddScript('mixed Chinese and English', {
    speaker: 'customer',
    text: '我的 router 一直 disconnect，WiFi 很慢，can you help me check 一下 my bill？',
  }),
  oddScript('agent action with nested data', {
    action: 'issue-refund',
    data: {
      amount: { value: 24.99, currency: 'USD' },
      lines: [{ sku: 'SUB-1', quantity: 2, tags: ['duplicate', null] }],
      approvedBy: { id: 'sup-1', roles: ['supervisor'], chain: [{ level: 1, at: null }] },
      note: null,
    },
  }),
  oddScript(
    'bot speaker',
    {
      speaker: 'bot',
      text: 'Hi, I am the Brightwave virtual assistant. I will connect you to an agent now.',
    },
    { speaker: 'bot', text: 'Welcome to Brightwave.' },
  ),
];

/** Stored states an older version, a bug or a hand edit may have left. */
const oddStates: ReadonlyArray<[string, unknown]> = [
  ['{}', {}],
  ['null', null],
  ['"garbage"', 'garbage'],
  ['42', 42],
  ['[]', []],
  ['true', true],
];

/** Older shapes of a real state: each top-level field missing, null, or of the wrong type. */
function olderShapes(state: unknown): Array<[string, unknown]> {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return [];
  return Object.keys(state).flatMap((key): Array<[string, unknown]> => {
    const without = { ...(state as Record<string, unknown>) };
    delete without[key];
    return [
      [`without ${key}`, without],
      [`${key}: null`, { ...state, [key]: null }],
      [`${key}: "garbage"`, { ...state, [key]: 'garbage' }],
    ];
  });
}

/** A throw, or output that would not come back the same from JSON. */
function attemptProblems(attempt: Attempt, where: string): string[] {
  if (attempt.failed) return [`${where}: threw ${describeError(attempt.error)}`];
  const output = attempt.output;
  return [
    ...jsonProblems(output?.result, 'result'),
    ...jsonProblems([...(output?.events ?? []), ...attempt.emitted], 'events'),
    ...jsonProblems(output?.state, 'state'),
  ].map((problem) => `${where}: ${problem}`);
}

const label = (call: { item: ConversationItem }) =>
  `#${call.item.seq} ${call.item.kind === 'utterance' ? call.item.speaker : `action ${call.item.action}`}`;

/**
 * The call a stage does most with: the last one that produced output in the first realistic
 * conversation (state built up, upstream results present).
 */
function richestCall(calls: readonly AnalyzerCall[]): AnalyzerCall | undefined {
  return calls.findLast((call) => call.attempts[0]?.output) ?? calls.at(-1);
}

/** Settles within ABORT_PROMPT_MS, and if it throws, it is an abort or timeout error. */
function expectPromptAbort(attempt: Attempt): void {
  if (!attempt.failed) return;
  expect(attempt.error, describeError(attempt.error)).not.toBeInstanceOf(HangError);
  expect(isAbortError(attempt.error), describeError(attempt.error)).toBe(true);
}

function aborted(): AbortSignal {
  // As the runner aborts: a plain abort(), whose reason is an AbortError.
  const controller = new AbortController();
  controller.abort();
  return controller.signal;
}

export type StageCheck = (world: ConformanceWorld, name: string) => Promise<void>;

// ---- the analyzer checks ------------------------------------------------------------------------

function analyzerOf(world: ConformanceWorld, name: string): RunnableAnalyzer {
  const analyzer = world.analyzers.find((stage) => stage.name === name);
  if (!analyzer) throw new Error(`no analyzer named ${name}`);
  return analyzer;
}

const callsOf = (play: AnalyzerPlay, name: string) =>
  play.calls.filter((call) => call.stage === name);

const outcomes = (play: AnalyzerPlay, name: string, attempt = 0) =>
  callsOf(play, name).map((call) => ({
    at: label(call),
    ...(call.attempts[attempt]!.snapshot as object),
  }));

/**
 * The languages rule needs every stage's declaration: 'any', or the language codes it handles
 * (the compiler asks for the field; this catches an empty list or a name that no detector gives).
 */
function expectLanguagesDeclared(stage: { languages: unknown }): void {
  const { languages } = stage;
  if (languages === 'any') return;
  expect(Array.isArray(languages), 'languages: a list of codes or "any"').toBe(true);
  expect((languages as unknown[]).length).toBeGreaterThan(0);
  for (const code of languages as unknown[])
    expect(code, 'a language code as the language analyzer names it').toMatch(/^[a-z]{2,3}$/);
}

export const analyzerChecks = {
  'declares the languages it handles': async (world, name) => {
    expectLanguagesDeclared(analyzerOf(world, name));
  },

  // Without an answer somewhere, every other check could pass with the stage doing nothing.
  'answers on the realistic conversations': async (world, name) => {
    const plays = await Promise.all(
      world.options.conversations.map((script) => world.analyzerPlay(script, MEMORY)),
    );
    const answered = plays.flatMap((play) =>
      callsOf(play, name).filter((call) => call.attempts[0]!.output?.result),
    );
    expect(answered.length).toBeGreaterThan(0);
  },

  'takes empty and odd input without throwing, and its output survives JSON': async (
    world,
    name,
  ) => {
    const problems: string[] = [];
    for (const script of oddScripts) {
      const play = await world.analyzerPlay(script, MEMORY);
      for (const call of callsOf(play, name))
        problems.push(...attemptProblems(call.attempts[0]!, `${script.name} ${label(call)}`));
    }
    expect(problems).toEqual([]);
  },

  'gives the same results when its state is read back from JSON between items': async (
    world,
    name,
  ) => {
    for (const script of world.options.conversations) {
      const memory = await world.analyzerPlay(script, MEMORY);
      const json = await world.analyzerPlay(script, JSON_STATE);
      expect(outcomes(json, name), script.name).toEqual(outcomes(memory, name));
    }
  },

  'reads an unexpected stored state defensively': async (world, name) => {
    const analyzer = analyzerOf(world, name);
    const play = await world.analyzerPlay(world.options.conversations[0]!, MEMORY);
    const own = callsOf(play, name);
    const call = richestCall(own);
    if (!call) return;
    const realState = own
      .map((entry) => entry.attempts[0]!.output?.state)
      .findLast((state) => state !== undefined);
    const problems: string[] = [];
    for (const [shape, state] of [...oddStates, ...olderShapes(jsonCopy(realState))]) {
      const attempt = await world.attemptAnalyzer(analyzer, call.context, { state });
      problems.push(...attemptProblems(attempt, `state ${shape}`));
    }
    expect(problems).toEqual([]);
  },

  'gives the same result, state and events when an item is retried': async (world, name) => {
    for (const script of world.options.conversations) {
      const play = await world.analyzerPlay(script, RETRY);
      expect(outcomes(play, name, 1), script.name).toEqual(outcomes(play, name, 0));
    }
  },

  'returns promptly or throws an abort error when its signal is already aborted': async (
    world,
    name,
  ) => {
    const play = await world.analyzerPlay(world.options.conversations[0]!, MEMORY);
    const call = richestCall(callsOf(play, name));
    if (!call) return;
    expectPromptAbort(
      await world.attemptAnalyzer(analyzerOf(world, name), call.context, {
        signal: aborted(),
        hangMs: ABORT_PROMPT_MS,
      }),
    );
  },

  'reads only the previous results it declares': async (world, name) => {
    const analyzer = analyzerOf(world, name);
    const plays = await Promise.all(
      [...world.options.conversations, ...oddScripts].map((script) =>
        world.analyzerPlay(script, MEMORY),
      ),
    );
    const touched = new Set(
      plays.flatMap((play) =>
        callsOf(play, name).flatMap((call) =>
          call.attempts.flatMap((attempt) => [...attempt.accessed]),
        ),
      ),
    );
    const undeclared = [...touched].filter((key) => !analyzer.reads.includes(key));
    expect(undeclared, `declared: ${analyzer.reads.join(', ') || 'nothing'}`).toEqual([]);
  },
} satisfies Record<string, StageCheck>;

// ---- the finalizer checks -----------------------------------------------------------------------

function finalizerOf(world: ConformanceWorld, name: string): RunnableFinalizer {
  const finalizer = world.finalizers.find((stage) => stage.name === name);
  if (!finalizer) throw new Error(`no finalizer named ${name}`);
  return finalizer;
}

const stepOf = (play: FinalizerPlay, name: string): FinalizerCall =>
  play.calls.find((call) => call.stage === name)!;

export const finalizerChecks = {
  'declares the languages it handles': async (world, name) => {
    expectLanguagesDeclared(finalizerOf(world, name));
  },

  'answers on the realistic conversations': async (world, name) => {
    const plays = await Promise.all(
      world.options.conversations.map((script) => world.finalizerPlay(script, LIVE_AS_STORED)),
    );
    expect(plays.some((play) => stepOf(play, name).attempts[0]!.output?.result)).toBe(true);
  },

  'takes empty and odd conversations without throwing, and its output survives JSON': async (
    world,
    name,
  ) => {
    const problems: string[] = [];
    for (const script of [...oddScripts, ...world.options.conversations]) {
      const play = await world.finalizerPlay(script, LIVE_AS_STORED);
      problems.push(...attemptProblems(stepOf(play, name).attempts[0]!, script.name));
    }
    expect(problems).toEqual([]);
  },

  'gives the same result from live results as produced and as read back from JSON': async (
    world,
    name,
  ) => {
    for (const script of world.options.conversations) {
      // One after the other: both write the same conversation's wrap-up rows.
      const stored = await world.finalizerPlay(script, LIVE_AS_STORED);
      const memory = await world.finalizerPlay(script, LIVE_IN_MEMORY);
      expect(stepOf(memory, name).attempts[0]!.snapshot, script.name).toEqual(
        stepOf(stored, name).attempts[0]!.snapshot,
      );
    }
  },

  'gives the same result and writes nothing more when the wrap-up is retried': async (
    world,
    name,
  ) => {
    for (const script of world.options.conversations) {
      const step = stepOf(await world.finalizerPlay(script, WRAPUP_RETRY), name);
      expect(step.attempts[1]!.snapshot, script.name).toEqual(step.attempts[0]!.snapshot);
      expect(step.rowCounts[1], `${script.name}: rows per table`).toEqual(step.rowCounts[0]);
    }
  },

  'returns promptly or throws an abort error when its signal is already aborted': async (
    world,
    name,
  ) => {
    const step = stepOf(
      await world.finalizerPlay(world.options.conversations[0]!, LIVE_AS_STORED),
      name,
    );
    expectPromptAbort(
      await world.attemptFinalizer(finalizerOf(world, name), step.context, {
        signal: aborted(),
        hangMs: ABORT_PROMPT_MS,
      }),
    );
  },

  'copes with earlier steps and live results missing': async (world, name) => {
    const finalizer = finalizerOf(world, name);
    const problems: string[] = [];
    for (const script of world.options.conversations) {
      const { context } = stepOf(await world.finalizerPlay(script, LIVE_AS_STORED), name);
      const variants: Array<[string, FinalizerCall['context']]> = [
        ['no earlier steps, no live results', { ...context, previous: {}, analyses: {} }],
        ['no live results', { ...context, analyses: {} }],
        ...finalizer.reads.map((read): [string, FinalizerCall['context']] => {
          const previous = { ...context.previous };
          delete previous[read];
          return [`without ${read}`, { ...context, previous }];
        }),
      ];
      for (const [what, variant] of variants) {
        const attempt = await world.attemptFinalizer(finalizer, variant);
        problems.push(...attemptProblems(attempt, `${script.name}, ${what}`));
      }
    }
    expect(problems).toEqual([]);
  },

  'reads only the earlier steps and live results it declares': async (world, name) => {
    const finalizer = finalizerOf(world, name);
    const plays = await Promise.all(
      [...world.options.conversations, ...oddScripts].map((script) =>
        world.finalizerPlay(script, LIVE_AS_STORED),
      ),
    );
    const attempts = plays.flatMap((play) => stepOf(play, name).attempts);
    const touched = (pick: (attempt: Attempt) => Set<string>) => [
      ...new Set(attempts.flatMap((attempt) => [...pick(attempt)])),
    ];
    expect(
      {
        previous: touched((attempt) => attempt.accessed).filter(
          (key) => !finalizer.reads.includes(key),
        ),
        analyses: touched((attempt) => attempt.accessedLive).filter(
          (key) => !finalizer.readsLive.includes(key),
        ),
      },
      `declared: ${finalizer.reads.join(', ') || 'no steps'}; live: ${finalizer.readsLive.join(', ') || 'none'}`,
    ).toEqual({ previous: [], analyses: [] });
  },
} satisfies Record<string, StageCheck>;

// ---- the runner's side of the contract ----------------------------------------------------------

interface StoredEvent {
  type: string;
  seq: number | null;
  payload: { analyzer?: string; step?: string; code?: string };
}

async function eventsOf(db: Database, conversationId: string): Promise<StoredEvent[]> {
  const { rows } = await db.query<StoredEvent>(
    'SELECT type, seq, payload FROM events WHERE conversation_id = $1 ORDER BY id',
    [conversationId],
  );
  return rows;
}

const errorsOf = (events: readonly StoredEvent[], seqs?: readonly number[]) =>
  events
    .filter((event) => event.type === 'error' && (!seqs || seqs.includes(event.seq ?? -1)))
    .map((event) => ({ stage: event.payload.analyzer, code: event.payload.code }))
    .sort((a, b) => String(a.stage).localeCompare(String(b.stage)));

/** Stages that fail on every call: one hangs (ignoring its signal), one throws. */
const hangingAnalyzer: RunnableAnalyzer = {
  name: 'conformance-hang',
  languages: 'any',
  reads: [],
  accepts: ['utterance', 'action'],
  timeoutMs: 100,
  analyze: () => new Promise<never>(() => undefined),
};
const throwingAnalyzer: RunnableAnalyzer = {
  name: 'conformance-throw',
  languages: 'any',
  reads: [],
  accepts: ['utterance', 'action'],
  analyze: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')")),
};
const hangingFinalizer: RunnableFinalizer = {
  name: 'conformance-hang',
  languages: 'any',
  reads: [],
  readsLive: [],
  timeoutMs: 100,
  finalize: () => new Promise<never>(() => undefined),
};
const throwingFinalizer: RunnableFinalizer = {
  name: 'conformance-throw',
  languages: 'any',
  reads: [],
  readsLive: [],
  finalize: () => Promise.reject(new Error('wrap-up step failed')),
};
const failingStages = [
  { stage: 'conformance-hang', code: 'analyzer_timeout' },
  { stage: 'conformance-throw', code: 'analyzer_failed' },
];

/** The real runner over the world's stages, with extra stages listed first (before every real one). */
function runnerOf(
  world: ConformanceWorld,
  extra: { analyzers?: RunnableAnalyzer[]; finalizers?: RunnableFinalizer[] } = {},
) {
  const skipped: Array<{ analyzer: unknown; seq: number }> = [];
  const pipeline = createPipeline({
    analyzerStates: createAnalyzerStateStore(world.options.db),
    wrapups: createWrapupStore(world.options.db),
    conversations: world.conversations,
    eventLog: createEventLog(world.options.db),
    analyzers: [...(extra.analyzers ?? []), ...world.analyzers],
    finalizers: [...(extra.finalizers ?? []), ...world.finalizers],
    timeoutMs: world.options.runnerTimeoutMs ?? 10_000,
    logger: {
      warn: (details, message) => {
        if (message === 'analyzer skipped: pipeline behind')
          skipped.push({ analyzer: details.analyzer, seq: Number(details.seq) });
      },
      error: () => undefined,
    },
  });
  /** Stages that answered in the reference play on these items but not here (nor were shed). */
  const silent = (
    events: readonly StoredEvent[],
    reference: AnalyzerPlay,
    seqs: readonly number[],
    excused: ReadonlySet<string> = new Set(),
  ) => {
    const answered = new Set(
      events
        .filter((event) => event.type === 'analysis' && seqs.includes(event.seq ?? -1))
        .map((event) => event.payload.analyzer),
    );
    const expected = new Set(seqs.flatMap((seq) => Object.keys(reference.live[seq] ?? {})));
    return [...expected].filter(
      (stage) =>
        !answered.has(stage) &&
        !excused.has(stage) &&
        !skipped.some((entry) => entry.analyzer === stage && seqs.includes(entry.seq)),
    );
  };
  return { pipeline, silent };
}

export const runnerChecks = {
  'turns a hanging and a throwing analyzer into one error event each; the others still run and the conversation goes on':
    async (world) => {
      const script = world.options.conversations[0]!;
      const reference = await world.analyzerPlay(script, MEMORY);
      const { steps } = await world.store(script);
      const { pipeline, silent } = runnerOf(world, {
        analyzers: [hangingAnalyzer, throwingAnalyzer],
      });
      // Three items: the later ones show the conversation went on after the failures.
      for (const { item, conversation } of steps.slice(0, 3))
        await pipeline.analyze(conversation, item);
      const events = await eventsOf(world.options.db, steps[0]!.conversation.id);
      for (const { item } of steps.slice(0, 3)) {
        expect(errorsOf(events, [item.seq]), `#${item.seq}`).toEqual(failingStages);
        expect(silent(events, reference, [item.seq]), `#${item.seq}: silent stages`).toEqual([]);
      }
    },

  'turns a hanging and a throwing wrap-up step into one error event each; the other steps still run':
    async (world) => {
      const script = world.options.conversations[0]!;
      const reference = await world.finalizerPlay(script, LIVE_AS_STORED);
      const { steps } = await world.store(script);
      const { pipeline } = runnerOf(world, { finalizers: [hangingFinalizer, throwingFinalizer] });
      for (const { item, conversation } of steps) await pipeline.analyze(conversation, item);
      const record = await world.conversations.end(
        world.options.tenantId,
        steps[0]!.conversation.id,
      );
      await pipeline.end(record!);
      const events = await eventsOf(world.options.db, record!.id);
      expect(errorsOf(events)).toEqual(failingStages);
      const wrapped = events.filter((event) => event.type === 'wrapup').map((e) => e.payload.step);
      const expected = reference.calls
        .filter((call) => call.attempts[0]!.output?.result)
        .map((call) => call.stage);
      expect(wrapped.sort()).toEqual(expected.sort());
    },
} satisfies Record<string, (world: ConformanceWorld) => Promise<void>>;

/** Runner checks that make the stages' database fail (options.databaseFaults). */
export const databaseFaultChecks = {
  'turns analyzers whose database fails into analyzer_failed events; the others answer and the next items are analysed in full':
    async (world) => {
      const faults = world.options.databaseFaults!;
      const script = world.options.conversations[0]!;
      const reference = await world.analyzerPlay(script, MEMORY);
      const { steps } = await world.store(script);
      const { pipeline, silent } = runnerOf(world);
      // The first customer turn: knowledge and case searches run on it.
      const faulty = steps.findIndex(
        ({ item }) => item.kind === 'utterance' && item.speaker === 'customer',
      );
      for (const [index, { item, conversation }] of steps.entries()) {
        faults.fail(index === faulty);
        try {
          await pipeline.analyze(conversation, item);
        } finally {
          faults.fail(false);
        }
      }
      const events = await eventsOf(world.options.db, steps[0]!.conversation.id);
      const faultySeq = steps[faulty]!.item.seq;
      const failed = errorsOf(events, [faultySeq]);
      expect(failed.length, 'stages reading the database on a customer turn').toBeGreaterThan(0);
      expect(failed.filter((entry) => entry.code !== 'analyzer_failed')).toEqual([]);
      // A stage reading a failed one may have nothing to say without it: that is not a failure.
      const excused = new Set(failed.map((entry) => String(entry.stage)));
      for (const analyzer of world.analyzers)
        if (analyzer.reads.some((read) => excused.has(read))) excused.add(analyzer.name);
      expect(silent(events, reference, [faultySeq], excused), 'silent stages').toEqual([]);
      // After the fault every stage is back. Which later item a stateful stage answers on may
      // move (similar cases searches again once it has searched), so compare the rest as a whole.
      const later = steps.slice(faulty + 1).map(({ item }) => item.seq);
      expect(errorsOf(events, later)).toEqual([]);
      expect(silent(events, reference, later), 'stages silent after the fault').toEqual([]);
    },

  'turns wrap-up steps whose database fails into error events; the other steps still run': async (
    world,
  ) => {
    const faults = world.options.databaseFaults!;
    const script = world.options.conversations[0]!;
    const reference = await world.finalizerPlay(script, LIVE_AS_STORED);
    const { steps } = await world.store(script);
    const { pipeline } = runnerOf(world);
    for (const { item, conversation } of steps) await pipeline.analyze(conversation, item);
    const record = await world.conversations.end(world.options.tenantId, steps[0]!.conversation.id);
    faults.fail(true);
    try {
      await pipeline.end(record!);
    } finally {
      faults.fail(false);
    }
    const events = await eventsOf(world.options.db, record!.id);
    const failed = errorsOf(events);
    expect(failed.length, 'wrap-up steps writing to the database').toBeGreaterThan(0);
    expect(failed.filter((entry) => entry.code !== 'analyzer_failed')).toEqual([]);
    const excused = new Set(failed.map((entry) => String(entry.stage)));
    for (const finalizer of world.finalizers)
      if (finalizer.reads.some((read) => excused.has(read))) excused.add(finalizer.name);
    const wrapped = new Set(
      events.filter((event) => event.type === 'wrapup').map((event) => event.payload.step),
    );
    const silent = reference.calls
      .filter((call) => call.attempts[0]!.output?.result)
      .map((call) => call.stage)
      .filter((stage) => !wrapped.has(stage) && !excused.has(stage));
    expect(silent, 'steps that neither answered nor failed').toEqual([]);
  },
} satisfies Record<string, (world: ConformanceWorld) => Promise<void>>;

// ---- the suite ----------------------------------------------------------------------------------

export function describeAnalyzerConformance(world: ConformanceWorld, name: string): void {
  describe(`analyzer ${name}`, () => {
    for (const [title, check] of Object.entries(analyzerChecks))
      it(title, () => check(world, name));
  });
}

export function describeFinalizerConformance(world: ConformanceWorld, name: string): void {
  describe(`finalizer ${name}`, () => {
    for (const [title, check] of Object.entries(finalizerChecks))
      it(title, () => check(world, name));
  });
}

export function describeRunnerConformance(world: ConformanceWorld): void {
  describe('runner', () => {
    for (const [title, check] of Object.entries(runnerChecks)) it(title, () => check(world));
    for (const [title, check] of Object.entries(databaseFaultChecks))
      it.runIf(world.options.databaseFaults)(title, () => check(world));
  });
}

/** Every check, for every stage the composition root lists, and the runner's side. */
export function describeConformance(options: ConformanceOptions): ConformanceWorld {
  const world = createConformanceWorld(options);
  for (const analyzer of world.analyzers) describeAnalyzerConformance(world, analyzer.name);
  for (const finalizer of world.finalizers) describeFinalizerConformance(world, finalizer.name);
  describeRunnerConformance(world);
  return world;
}
