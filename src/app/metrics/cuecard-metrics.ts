import type { Database } from '../../stores/database.js';
import { pendingWorkStats } from '../../stores/work-queue.js';
import type { PipelineObserver } from '../../pipeline/pipeline.js';
import { createMetricsRegistry } from './metrics-registry.js';

export interface CuecardMetricsSources {
  db: Database;
  /** Live subscriptions of this instance's consoles. */
  subscriptions(): number;
  /** Events this instance's tail has published since it started (any writer's). */
  eventsPublished(): number;
}

/**
 * Cuecard's series (README, "Metrics"). Stage latencies and webhook outcomes are counted as they
 * happen; queue, subscriber, event and pool figures are read at scrape time from their owners.
 * Labels are stage names, kinds and outcomes: never tenants, customers or text.
 */
export function createCuecardMetrics(sources: CuecardMetricsSources) {
  const registry = createMetricsRegistry();
  // Depth and age come from one grouped read, shared by both families of a scrape.
  let workStats: { at: number; rows: ReturnType<typeof pendingWorkStats> } | null = null;
  const pendingWork = () => {
    if (!workStats || Date.now() - workStats.at > 1_000)
      workStats = { at: Date.now(), rows: pendingWorkStats(sources.db) };
    return workStats.rows;
  };
  const stageSeconds = registry.histogram(
    'cuecard_stage_duration_seconds',
    'Time one analyzer (per turn) or finalizer (per conversation) took, by outcome.',
  );
  const stagesShed = registry.counter(
    'cuecard_stage_skipped_total',
    'Turns an analyzer skipped because the conversation had moved past them (load shedding).',
  );
  const webhookAttempts = registry.counter(
    'cuecard_webhook_attempts_total',
    'Webhook delivery attempts by outcome: delivered, failed (retried later) or dead (given up).',
  );
  registry.collected(
    'cuecard_events_published_total',
    'Durable events published to this instance (rate() of it: events per second).',
    'counter',
    () => [{ value: sources.eventsPublished() }],
  );
  registry.collected(
    'cuecard_subscriptions',
    'Live console subscriptions on this instance.',
    'gauge',
    () => [{ value: sources.subscriptions() }],
  );
  registry.collected(
    'cuecard_work_pending',
    'Durable work waiting or running, by kind (analysis, wrap-up), across instances.',
    'gauge',
    async () =>
      (await pendingWork()).map((row) => ({
        labels: { kind: row.kind },
        value: row.pending,
      })),
  );
  registry.collected(
    'cuecard_work_oldest_pending_seconds',
    'Age of the oldest pending work item, by kind.',
    'gauge',
    async () =>
      (await pendingWork()).map((row) => ({
        labels: { kind: row.kind },
        value: row.oldestSeconds,
      })),
  );
  registry.collected(
    'cuecard_db_connections',
    'Database connections of this instance by state (embedded engine: one), and callers waiting.',
    'gauge',
    () => {
      const load = sources.db.load?.();
      if (!load) return [];
      return [
        { labels: { state: 'busy', engine: sources.db.engine }, value: load.busy },
        {
          labels: { state: 'idle', engine: sources.db.engine },
          value: load.connections - load.busy,
        },
        { labels: { state: 'waiting', engine: sources.db.engine }, value: load.waiting },
      ];
    },
  );

  const observer: PipelineObserver = {
    stageFinished(run) {
      if (run.outcome === 'skipped') stagesShed.inc({ stage: run.name });
      else
        stageSeconds.observe(
          { kind: run.kind, stage: run.name, outcome: run.outcome },
          run.seconds,
        );
    },
  };
  return {
    observer,
    onWebhookAttempt(outcome: 'delivered' | 'failed' | 'dead'): void {
      webhookAttempts.inc({ outcome });
    },
    render: registry.render,
  };
}

export type CuecardMetrics = ReturnType<typeof createCuecardMetrics>;
