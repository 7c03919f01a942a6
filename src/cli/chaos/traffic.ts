import WebSocket from 'ws';
import type { Instance } from './fleet.js';

/** What the connectors were told, i.e. what the service promised to keep. */
export interface Ledger {
  /** Acknowledged (stored or duplicate) utterances: `${externalId}:${seq}`. */
  acked: Set<string>;
  /** Conversations whose `end` was acknowledged. */
  ended: Set<string>;
  opened: Set<string>;
  reconnects: number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/**
 * One connector socket to a live instance. Replies are matched per conversation; a socket that
 * dies fails what it was waiting for, and the call goes on through another instance (resending
 * the unacknowledged message, as a real connector does).
 */
class Connector {
  private waiting: Array<{
    match: (reply: Record<string, unknown>) => boolean;
    resolve: (reply: Record<string, unknown>) => void;
    reject: (error: Error) => void;
  }> = [];
  private constructor(
    private readonly socket: WebSocket,
    readonly instance: Instance,
  ) {
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString()) as Record<string, unknown>;
      // The killer's hooks run first: a kill "on ack" happens as the ack leaves the instance.
      if (reply.type === 'ack') instance.onAck?.();
      if (reply.type === 'ended') instance.onEnded?.();
      const index = this.waiting.findIndex((entry) => entry.match(reply));
      if (index >= 0) this.waiting.splice(index, 1)[0]!.resolve(reply);
    });
    const fail = () => {
      for (const entry of this.waiting.splice(0)) entry.reject(new Error('socket closed'));
    };
    socket.on('close', fail);
    socket.on('error', fail);
  }

  static async open(instance: Instance, key: string): Promise<Connector> {
    if (!instance.wsUrl) throw new Error('instance down');
    const socket = new WebSocket(`${instance.wsUrl}/ws/ingest?key=${encodeURIComponent(key)}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', () => reject(new Error('refused')));
    });
    return new Connector(socket, instance);
  }

  request(
    message: Record<string, unknown>,
    match: (reply: Record<string, unknown>) => boolean,
    timeoutMs = 30_000,
  ) {
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply')), timeoutMs);
      this.waiting.push({
        match,
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send(JSON.stringify(message));
    });
  }

  close(): void {
    this.socket.terminate();
  }
}

export interface CallPlan {
  externalId: string;
  agentId: string;
  turns: Array<{ speaker: 'customer' | 'agent'; text: string }>;
}

/**
 * Plays one call to the end through whichever instances are up, retrying each message until it
 * is acknowledged. Returns when `end` was acknowledged.
 */
export async function playCall(
  plan: CallPlan,
  fleet: readonly Instance[],
  connectorKey: string,
  ledger: Ledger,
  gapMs: readonly [number, number],
  /** Send everything through this instance only (while it is up), e.g. to see work spread. */
  only?: Instance,
): Promise<void> {
  let connector: Connector | null = null;
  const send = async (
    message: Record<string, unknown>,
    match: (reply: Record<string, unknown>) => boolean,
  ) => {
    for (;;) {
      try {
        if (!connector) {
          const live = fleet.filter(
            (instance) => instance.wsUrl && (!only || !only.wsUrl || instance === only),
          );
          if (live.length === 0) throw new Error('no instance up');
          connector = await Connector.open(pick(live), connectorKey);
        }
        const reply = await connector.request(
          message,
          (reply) => reply.type === 'error' || match(reply),
        );
        if (reply.type === 'error') {
          // One message in flight per call: a refusal is the service's fault, unless retryable.
          if (reply.retryable === true) throw new Error(`retryable ${String(reply.code)}`);
          throw Object.assign(new Error(`refused: ${String(reply.code)}`), { fatal: true });
        }
        return reply;
      } catch (error) {
        if ((error as { fatal?: boolean }).fatal) throw error;
        (connector as Connector | null)?.close();
        connector = null;
        ledger.reconnects += 1;
        await sleep(200 + Math.random() * 300);
      }
    }
  };
  await send(
    { type: 'open', conversationId: plan.externalId, channel: 'voice', agentId: plan.agentId },
    (reply) => reply.type === 'opened' && reply.conversationId === plan.externalId,
  );
  ledger.opened.add(plan.externalId);
  for (const [index, turn] of plan.turns.entries()) {
    const seq = index + 1;
    await send(
      {
        type: 'utterance',
        conversationId: plan.externalId,
        seq,
        speaker: turn.speaker,
        text: turn.text,
        final: true,
      },
      (reply) =>
        reply.type === 'ack' && reply.conversationId === plan.externalId && reply.seq === seq,
    );
    ledger.acked.add(`${plan.externalId}:${seq}`);
    await sleep(gapMs[0] + Math.random() * (gapMs[1] - gapMs[0]));
  }
  await send(
    { type: 'end', conversationId: plan.externalId },
    (reply) => reply.type === 'ended' && reply.conversationId === plan.externalId,
  );
  ledger.ended.add(plan.externalId);
  (connector as Connector | null)?.close();
}
