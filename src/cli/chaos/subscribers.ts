import WebSocket from 'ws';
import type { Instance } from './fleet.js';
import { sleep } from './traffic.js';

export type Scope =
  | { scope: 'tenant' }
  | { scope: 'agent'; agentId: string }
  | { scope: 'conversation'; conversationId: string };

/**
 * A console that follows one scope through instance deaths: when its socket dies it resubscribes
 * on another instance with the last cursor it got, as the web consoles do. Records every durable
 * event id in arrival order.
 */
export class Follower {
  readonly received: number[] = [];
  resumes = 0;
  private cursor: number | string = 0;
  private socket: WebSocket | null = null;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    readonly scope: Scope,
    private readonly fleet: readonly Instance[],
    private readonly key: string,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const live = this.fleet.filter((instance) => instance.wsUrl);
      const instance = live[Math.floor(Math.random() * live.length)];
      if (!instance) {
        await sleep(200);
        continue;
      }
      try {
        await this.follow(instance.wsUrl!);
      } catch {
        // The instance died or refused: resume elsewhere.
      }
      if (!this.stopped) {
        this.resumes += 1;
        await sleep(100 + Math.random() * 200);
      }
    }
  }

  private follow(wsUrl: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${wsUrl}/ws/subscribe?key=${encodeURIComponent(this.key)}`);
      this.socket = socket;
      socket.once('open', () =>
        socket.send(JSON.stringify({ type: 'subscribe', ...this.scope, cursor: this.cursor })),
      );
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as {
          type: string;
          event?: { id: number | null; position?: string | null };
        };
        if (frame.type !== 'event' || !frame.event || frame.event.id === null) return;
        this.received.push(frame.event.id);
        // Resume from the event's commit-order position (decision 0012), as the consoles do.
        this.cursor = frame.event.position ?? frame.event.id;
      });
      socket.once('close', () => resolve());
      socket.once('error', reject);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.socket?.terminate();
    await this.loop;
  }

  /** Against the ids the database holds for this scope: what never arrived, what came twice. */
  audit(expected: readonly number[]) {
    const got = new Set(this.received);
    let backwards = 0;
    for (let i = 1; i < this.received.length; i++)
      if (this.received[i]! < this.received[i - 1]!) backwards += 1;
    return {
      expected: expected.length,
      missing: expected.filter((id) => !got.has(id)).length,
      duplicates: this.received.length - got.size,
      idsBackwards: backwards,
      resumes: this.resumes,
    };
  }
}
