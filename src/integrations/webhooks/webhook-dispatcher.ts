import type { Database } from '../../stores/database.js';
import { errorSummary } from '../../errors/error-summary.js';
import { claimDueFollowUps } from '../../wrap-up/followups/follow-up-store.js';
import { announce, createDeliveryStore, type ClaimedDelivery } from './delivery-store.js';
import type { WebhookEndpointWithSecret } from './endpoint-store.js';
import { fanOutOnce, type FanOutSources } from './fan-out.js';
import { OutboundError, postJson, type OutboundOptions } from './outbound-request.js';
import { nextAttemptAt, type RetryPolicy } from './retry-schedule.js';
import { SIGNATURE_HEADER, signatureOf } from './signature.js';

export interface DispatcherOptions {
  /** This instance's name: the lease owner of what it is sending. */
  owner: string;
  outbound: OutboundOptions;
  retry: RetryPolicy;
  /** Look for new facts and due deliveries at least this often (ms). */
  pollMs: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  logger: {
    warn(details: Record<string, unknown>, message: string): void;
  };
  /** Told about every finished attempt (metrics). */
  onAttempt?: (outcome: 'delivered' | 'failed' | 'dead') => void;
}

export interface WebhookDispatcher {
  /** One full pass: fan out new facts, announce due follow-ups, send what is due. */
  runOnce(): Promise<void>;
  /** Runs a pass soon (new endpoint, redelivery). */
  wake(): void;
  stop(): Promise<void>;
}

/** A lease long enough for one request (10 s deadline) and its bookkeeping. */
const LEASE_MS = 60_000;
/** Due follow-ups are looked for every this many polls (30 s by default): due times are minutes apart. */
const FOLLOW_UP_SCAN_POLLS = 30;

/**
 * Every instance runs one: facts become deliveries once (fan-out.ts), and each due delivery is
 * leased by one instance (SKIP LOCKED), signed, POSTed, and recorded. An instance that dies while
 * sending loses its lease, and another sends it again: at least once.
 */
export function startWebhookDispatcher(
  sources: FanOutSources & { endpoint(id: string): Promise<WebhookEndpointWithSecret | null> },
  options: DispatcherOptions,
): WebhookDispatcher {
  const deliveries = createDeliveryStore(sources.db);
  let lastFollowUpScan = 0;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function pass(): Promise<void> {
    while ((await fanOutOnce(sources)).scanned);
    if (Date.now() - lastFollowUpScan >= FOLLOW_UP_SCAN_POLLS * options.pollMs) {
      lastFollowUpScan = Date.now();
      await announceDueFollowUps(sources.db);
    }
    for (;;) {
      const claimed = await deliveries.claimDue(options.owner, options.concurrency, LEASE_MS);
      if (claimed.length === 0) break;
      await Promise.all(claimed.map((delivery) => attempt(delivery)));
      if (stopped) break;
    }
  }

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    const endpoint = await sources.endpoint(delivery.endpointId);
    if (!endpoint) return; // deleted meanwhile: its deliveries went with it
    const body = delivery.body;
    const headers = {
      [SIGNATURE_HEADER]: signatureOf(endpoint.secret, Math.floor(Date.now() / 1000), body),
      'Cuecard-Delivery': delivery.id,
    };
    let status: number | null = null;
    let error: string;
    try {
      const response = await postJson(endpoint.url, body, headers, options.outbound);
      status = response.status;
      if (status >= 200 && status < 300) {
        await deliveries.delivered(delivery.id, options.owner, status);
        options.onAttempt?.('delivered');
        return;
      }
      error =
        status >= 300 && status < 400
          ? `HTTP ${status}: redirects are not followed`
          : `HTTP ${status}${response.body ? `: ${response.body.slice(0, 200)}` : ''}`;
    } catch (failure) {
      error =
        failure instanceof OutboundError ? `${failure.reason}: ${failure.message}` : 'internal';
      if (!(failure instanceof OutboundError))
        options.logger.warn({ err: errorSummary(failure) }, 'webhook attempt failed');
    }
    const retryAt = nextAttemptAt(options.retry, delivery.attempts, delivery.createdAt, new Date());
    await deliveries.failed(delivery.id, options.owner, { status, error, retryAt });
    options.onAttempt?.(retryAt ? 'failed' : 'dead');
  }

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (error) {
          if (!stopped)
            options.logger.warn({ err: errorSummary(error) }, 'webhook dispatch pass failed');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  const timer = setInterval(() => void run(), options.pollMs);
  timer.unref();
  return {
    runOnce: run,
    wake: () => void run(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** Due follow-ups become `follow_up.due` facts in the transaction that marks them reported. */
async function announceDueFollowUps(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    const due = await claimDueFollowUps(tx, 200);
    await announce(
      tx,
      due.map((task) => ({
        tenantId: task.tenantId,
        type: 'follow_up.due' as const,
        sourceKey: `follow-up:${task.id}:due:${task.dueAt}`,
        createdAt: new Date().toISOString(),
        data: {
          conversationId: task.conversationId,
          followUp: { ...task, tenantId: undefined },
        },
      })),
    );
  });
}
