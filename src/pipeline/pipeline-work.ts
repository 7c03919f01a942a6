import type { ConversationStore } from '../conversations/conversation-store.js';
import type { ConversationItem, ConversationRecord } from '../conversations/types.js';
import { CuecardError } from '../errors/cuecard-error.js';
import { errorSummary } from '../errors/error-summary.js';
import type { Database } from '../stores/database.js';
import {
  completionCte,
  createWorkQueue,
  startWorkRunner,
  type ClaimedWorkItem,
  type WorkQueue,
} from '../stores/work-queue.js';
import { createAnalyzerStateStore } from './analyzer-state-store.js';
import type { Pipeline, PipelineLogger } from './pipeline.js';

/** The kinds of durable work the pipeline does (rows of `work_items`). */
export const PIPELINE_WORK_KINDS = ['analyze', 'wrap-up'] as const;

/**
 * Finished rows are kept this long (a late resend of an item is still recognised as scheduled),
 * then purged by any instance every PURGE_EVERY_MS.
 */
const KEEP_FINISHED_MS = 60 * 60_000;
const PURGE_EVERY_MS = 10 * 60_000;

/** Stored items remembered for the runner of this process, so it need not read them back. */
const MAX_HINTS = 2_000;

export interface PipelineWorkOptions {
  db: Database;
  pipeline: Pipeline;
  conversations: ConversationStore;
  /** This instance's name: who holds a lease (`work_items.lease_owner`). */
  owner: string;
  /** How long a claim lasts without a heartbeat; a dead instance's work moves after this. */
  leaseMs: number;
  /** Items (of different conversations) analysed at once by this instance. */
  concurrency: number;
  /** Poll when idle: the floor under wake-ups (default 1 s). */
  pollMs?: number;
  logger: PipelineLogger;
}

/**
 * Durable analysis and wrap-up (issue 16, decision 0008). Storing an item schedules its analysis
 * in the same statement, and ending a conversation schedules its wrap-up; this runner claims that
 * work on any instance, strictly in order per conversation, under a lease. An analysis commits
 * its analyzers' state together with the completion of its work row, and every event it writes
 * is keyed by (conversation, seq, stage): a retry after a crash never doubles an event or counts
 * an item twice in a state. A wrap-up's results are upserts by step, so a retry rewrites them.
 */
export function startPipelineWork(options: PipelineWorkOptions) {
  const { db, pipeline, conversations, logger } = options;
  const queue: WorkQueue = createWorkQueue(db, { owner: options.owner, leaseMs: options.leaseMs });
  const states = createAnalyzerStateStore(db);
  // Conversations whose work this process has in hand: a new item of one waits for it anyway
  // (strict order), so storing it need not wake the runner for a claim that would find nothing.
  const inHand = new Set<string>();
  // Insertion order is recency: the oldest hint goes first once the map is full.
  const hints = new Map<string, { conversation: ConversationRecord; item: ConversationItem }>();

  async function analyze(work: ClaimedWorkItem, signal: AbortSignal, tenantId: string) {
    const hintKey = `${work.key}:${work.seq}`;
    const hint = hints.get(hintKey);
    hints.delete(hintKey);
    const conversation =
      hint?.conversation ?? (await conversations.getConversation(tenantId, work.key));
    const item = hint?.item ?? (await conversations.item(work.key, work.seq));
    // Erased meanwhile (retention, a customer's erasure): nothing left to analyse; the runner
    // completes the row.
    if (!conversation || !item) return 'nothing';
    try {
      await pipeline.analyzeNow(conversation, item, {
        queuedAt: Date.now() - work.ageMs,
        signal,
        keyed: true,
        finish: async (changed) => {
          // One statement: the state is saved only if the row completes, fenced by this attempt,
          // so a run whose lease went elsewhere commits nothing of its state.
          const completed = await states.saveGuarded(
            conversation.id,
            changed,
            completionCte('completed', work, queue.owner),
          );
          if (!completed)
            throw new CuecardError('lease_lost', 'another instance took this work over');
        },
      });
    } catch (error) {
      // Whatever this process cached of the conversation may be ahead of what was committed.
      pipeline.forget(conversation.id);
      throw error;
    }
  }

  async function wrapUp(work: ClaimedWorkItem, signal: AbortSignal, tenantId: string) {
    const conversation = await conversations.getConversation(tenantId, work.key);
    if (!conversation) return;
    await pipeline.finalizeNow(conversation, { signal, keyed: true });
  }

  const runner = startWorkRunner({
    queue,
    kinds: PIPELINE_WORK_KINDS,
    concurrency: options.concurrency,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    async handle(work, signal) {
      const tenantId = typeof work.payload.tenantId === 'string' ? work.payload.tenantId : '';
      inHand.add(work.key);
      try {
        if (work.kind === 'analyze') {
          // Completed with the analyzers' state, unless there was nothing to analyse.
          return (await analyze(work, signal, tenantId)) === 'nothing' ? undefined : 'completed';
        }
        await wrapUp(work, signal, tenantId);
      } finally {
        inHand.delete(work.key);
      }
    },
    onError(error, work) {
      if (CuecardError.isInstance(error) && error.code === 'lease_lost') return;
      // Ids and codes only: a message may quote the transcript.
      logger.warn(
        { conversationId: work?.key, seq: work?.seq, kind: work?.kind, err: errorSummary(error) },
        'durable work failed; it will be retried',
      );
    },
  });

  const purge = setInterval(() => {
    queue
      .purgeFinished(KEEP_FINISHED_MS)
      .catch((error: unknown) =>
        logger.warn({ err: errorSummary(error) }, 'purging finished work failed'),
      );
  }, PURGE_EVERY_MS);
  purge.unref();

  return {
    queue,
    /** An item was stored (and its analysis queued with it): this instance starts on it now. */
    stored(conversation: ConversationRecord, item: ConversationItem): void {
      hints.set(`${conversation.id}:${item.seq}`, { conversation, item });
      if (hints.size > MAX_HINTS) hints.delete(hints.keys().next().value!);
      if (!inHand.has(conversation.id)) runner.wake();
    },
    /** A conversation ended (its wrap-up queued with the end). */
    ended(): void {
      runner.wake();
    },
    /** Work may be claimable (another instance queued some, or this one just started). */
    wake(): void {
      runner.wake();
    },
    /** Analyses and wrap-ups not finished yet (claimable, in hand anywhere, or retrying). */
    pendingCount(): Promise<number> {
      return queue.pendingCount(PIPELINE_WORK_KINDS);
    },
    /**
     * Resolves once no pipeline work is pending in the database and none is in hand here (tests,
     * the demo). With several instances it waits for theirs too.
     */
    async drain(): Promise<void> {
      for (;;) {
        runner.wake();
        if (runner.busy() === 0 && (await queue.pendingCount(PIPELINE_WORK_KINDS)) === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    /** Stops claiming; work still running after `graceMs` is handed back for others. */
    stop(graceMs?: number): Promise<void> {
      clearInterval(purge);
      return runner.stop(graceMs);
    },
  };
}

export type PipelineWork = ReturnType<typeof startPipelineWork>;
