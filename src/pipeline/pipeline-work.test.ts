import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestDatabase } from '../../test/support/test-database.js';
import type { Database } from '../stores/database.js';
import { createConversationStore } from '../conversations/conversation-store.js';
import { createEventLog } from '../conversations/event-log.js';
import { createIngestService } from '../conversations/ingest-service.js';
import { createTenantStore } from '../tenancy/tenant-store.js';
import type { Principal } from '../tenancy/roles.js';
import type { RunnableAnalyzer, RunnableFinalizer } from './analyzer.js';
import { createPipeline } from './pipeline.js';
import { createAnalyzerStateStore } from './analyzer-state-store.js';
import { createWrapupStore } from '../wrap-up/wrapup-store.js';
import { startPipelineWork } from './pipeline-work.js';

/** Counts the customer's turns in its state: a turn counted twice would show in the results. */
const turnCounter: RunnableAnalyzer = {
  name: 'turns',
  languages: 'any',
  reads: [],
  async analyze({ state }) {
    const n = ((state as { n?: number } | undefined)?.n ?? 0) + 1;
    return {
      state: { n },
      result: { n },
      events: [{ type: 'error', code: 'x', message: 'side event', retryable: false }],
    };
  },
};

const summary: RunnableFinalizer = {
  name: 'summary',
  languages: 'any',
  reads: [],
  readsLive: ['turns'],
  async finalize({ analyses }) {
    return { result: { turns: Object.keys(analyses).length } };
  },
};

/**
 * A database that loses the connection on its next `failures` completions of an analysis (the
 * statement that saves the analyzers' state and completes the work row): as a process that dies
 * after writing an item's events and before that commit.
 */
function failingCompletions(db: Database, failures: { left: number }): Database {
  return {
    ...db,
    engine: db.engine,
    exec: db.exec,
    close: db.close,
    transaction: db.transaction,
    query(sql, params, options) {
      if (failures.left > 0 && sql.includes("UPDATE work_items SET state = 'done'")) {
        failures.left -= 1;
        return Promise.reject(new Error('connection lost'));
      }
      return db.query(sql, params, options);
    },
  };
}

describe.each(engines)('durable pipeline work (%s)', (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(engine);
    await createTenantStore(db).createTenant({ id: 't', name: 't' });
  });
  afterAll(async () => db?.close());

  it('retries an analysis whose commit failed: every event once, every turn counted once, then the wrap-up', async () => {
    const failures = { left: 2 };
    const faulty = failingCompletions(db, failures);
    const conversations = createConversationStore(faulty);
    const eventLog = createEventLog(faulty);
    const pipeline = createPipeline({
      conversations,
      eventLog,
      analyzerStates: createAnalyzerStateStore(faulty),
      wrapups: createWrapupStore(faulty),
      analyzers: [turnCounter],
      finalizers: [summary],
      timeoutMs: 1000,
      logger: { warn: () => undefined, error: () => undefined },
    });
    const work = startPipelineWork({
      db: faulty,
      pipeline,
      conversations,
      owner: 'test',
      leaseMs: 5_000,
      concurrency: 2,
      pollMs: 50,
      logger: { warn: () => undefined, error: () => undefined },
    });
    // Retries wait 0.5 s, then 1 s: the two failures cost 1.5 s.
    const ingest = createIngestService({
      conversations,
      eventLog,
      sink: work,
      redact: (_tenant, text) => text,
      logger: { error: () => undefined },
    });
    const principal: Principal = {
      tenantId: 't',
      role: 'connector',
      keyName: 'connector',
      keyId: 'k',
      agentId: null,
    };
    const { conversation } = await ingest.open(principal, {
      externalId: `retry-${engine}`,
      channel: 'chat',
    });
    for (const seq of [1, 2, 3])
      await ingest.utterance(principal, {
        conversationId: `retry-${engine}`,
        seq,
        speaker: 'customer',
        text: `turn ${seq}`,
        final: true,
      });
    await ingest.end(principal, { conversationId: `retry-${engine}` });
    await work.drain();
    await work.stop();

    expect(failures.left).toBe(0);
    const events = await eventLog.since({ tenantId: 't', conversationId: conversation.id }, 0);
    const analyses = events.filter((event) => event.type === 'analysis');
    expect(
      analyses.map((event) => [event.seq, (event.result as unknown as { n: number }).n]),
    ).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(events.filter((event) => event.type === 'error')).toHaveLength(3);
    expect(events.filter((event) => event.type === 'item-final')).toHaveLength(3);
    expect(events.filter((event) => event.type === 'conversation-end')).toHaveLength(1);
    const wrapups = events.filter((event) => event.type === 'wrapup');
    expect(wrapups.map((event) => event.result)).toEqual([{ turns: 3 }]);
    const { rows } = await db.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM work_items WHERE queue_key = $1 GROUP BY state`,
      [conversation.id],
    );
    expect(rows).toEqual([{ state: 'done', n: 4 }]);
  }, 30_000);
});
